"""Courses: create, list, join, and manage members."""

from typing import Annotated

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import Meta

from appliance.classroom import analytics
from appliance.errors import InvalidInput
from appliance.services import Services
from appliance.web.auth import STAFF, USERS, allow


class NewCourse(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=120)]


class Member(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, Meta(min_length=1, max_length=40)]


class JoinCode(msgspec.Struct, forbid_unknown_fields=True):
    join_code: Annotated[str, Meta(min_length=1, max_length=40)]


@get("/api/v1/courses", opt=allow(USERS), sync_to_thread=True, tags=["courses"], summary="Your courses")
def list_courses(request: Request, services: NamedDependency[Services]) -> dict:
    return {"courses": services.courses.listing(request.user)}


@post(
    "/api/v1/courses",
    opt=allow(STAFF),
    status_code=201,
    sync_to_thread=True,
    tags=["courses"],
    summary="Create a course (you teach it)",
)
def create_course(data: JSONBody[NewCourse], request: Request, services: NamedDependency[Services]) -> dict:
    course = services.courses.create(data.name, request.user["id"])
    return {"id": course["id"], "name": course["name"], "join_code": course["join_code"]}


@post("/api/v1/courses/join", opt=allow(USERS), sync_to_thread=True, tags=["courses"], summary="Join by code")
def join_course(data: JSONBody[JoinCode], request: Request, services: NamedDependency[Services]) -> dict:
    course = services.courses.by_code(data.join_code)
    services.courses.add_member(course["id"], request.user, "student")
    return {"id": course["id"], "name": course["name"]}


@get(
    "/api/v1/courses/{course_id:int}/members",
    opt=allow(STAFF),
    sync_to_thread=True,
    tags=["courses"],
    summary="A course's members",
)
def list_members(course_id: FromPath[int], request: Request, services: NamedDependency[Services]) -> dict:
    services.courses.require_teacher(request.user, course_id)
    return {"members": services.courses.members(course_id)}


@post(
    "/api/v1/courses/{course_id:int}/members",
    opt=allow(STAFF),
    status_code=201,
    sync_to_thread=True,
    tags=["courses"],
    summary="Add a user to a course",
)
def add_member(
    course_id: FromPath[int], data: JSONBody[Member], request: Request, services: NamedDependency[Services]
) -> dict:
    services.courses.require_teacher(request.user, course_id)
    user = services.accounts.named(data.username)
    services.courses.add_member(course_id, user)
    return {"members": services.courses.members(course_id)}


@get(
    "/api/v1/courses/{course_id:int}/stats",
    opt=allow(STAFF),
    sync_to_thread=True,
    tags=["courses"],
    summary="What the course's students ask (add ?format=csv for every interaction)",
)
def course_stats(
    course_id: FromPath[int], request: Request, services: NamedDependency[Services], format: FromQuery[str] = "json"
) -> Response:
    services.courses.require_teacher(request.user, course_id)
    if format == "csv":
        # Admins see names; teachers see pseudonyms when the setting asks for it.
        hide = services.settings.hide_student_names and request.user["role"] != "admin"
        body = analytics.export_csv(services.database, course_id, hide)
        return Response(
            body,
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="course-{course_id}.csv"'},
        )
    if format != "json":
        raise InvalidInput("format must be json or csv")
    return Response(analytics.stats(services.database, course_id))


handlers = [list_courses, create_course, join_course, list_members, add_member, course_stats]
