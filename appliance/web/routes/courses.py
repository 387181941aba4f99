"""Courses: create, list, join, and manage members."""

from typing import Annotated

import msgspec
from litestar import Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter
from litestar.response import Stream
from msgspec import Meta

from appliance.classroom import analytics
from appliance.classroom.audit import course_changes, course_target
from appliance.errors import Forbidden, InvalidInput
from appliance.services import Services
from appliance.web import secret
from appliance.web.access import ADMIN, STAFF, USERS, allow
from appliance.web.schemas import (
    MAX_ROW,
    AddedMember,
    Course,
    CourseList,
    CourseStats,
    CreatedCourse,
    DeletedCourse,
    JoinedCourse,
    Member,
    MemberList,
    QuestionRow,
)

CourseId = Annotated[int, PathParameter(ge=1, le=MAX_ROW)]
UserId = CourseId  # a row's id, as a course's is


class NewCourse(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=120)]


class CourseChange(msgspec.Struct, forbid_unknown_fields=True):
    """What to change: either or both."""

    name: Annotated[str, Meta(min_length=1, max_length=120)] | None = None
    archived: Annotated[
        bool | None, Meta(description="true: archive at the end of term (readable, no new questions or uploads)")
    ] = None


class NewMember(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, Meta(min_length=1, max_length=40)]


class JoinCode(msgspec.Struct, forbid_unknown_fields=True):
    join_code: Annotated[str, Meta(min_length=1, max_length=40)]


@get("/api/v1/courses", opt=allow(USERS), sync_to_thread=True, tags=["courses"], summary="Your courses")
def list_courses(request: Request, services: NamedDependency[Services]) -> CourseList:
    return CourseList(msgspec.convert(services.courses.listing(request.user), list[Course]))


@post(
    "/api/v1/courses",
    opt=allow(STAFF),
    status_code=201,
    sync_to_thread=True,
    tags=["courses"],
    summary="Create a course (you teach it)",
)
def create_course(data: JSONBody[NewCourse], request: Request, services: NamedDependency[Services]) -> CreatedCourse:
    course = services.courses.create(data.name, request.user["id"])
    services.audit.record(request.user, "course.create", course_target(course), name=data.name)
    return CreatedCourse(course["id"], course["name"], course["join_code"])


@patch(
    "/api/v1/courses/{course_id:int}",
    opt=allow(STAFF),
    sync_to_thread=True,
    tags=["courses"],
    summary="Rename a course, or archive it at the end of term (and unarchive it)",
)
def change_course(
    course_id: CourseId, data: JSONBody[CourseChange], request: Request, services: NamedDependency[Services]
) -> Course:
    services.courses.require_teacher(request.user, course_id)
    if data.name is None and data.archived is None:
        raise InvalidInput("give the course's new name, or archived: true or false")
    teacher_id = None if request.user["role"] == "admin" else request.user["id"]
    was, fields = services.courses.change(course_id, teacher_id, data.name, data.archived)
    course = next(c for c in services.courses.listing(request.user) if c["id"] == course_id)
    for action, detail in course_changes(was, fields):
        services.audit.record(request.user, action, course_target(course), **detail)
    return msgspec.convert(course, Course)


@delete(
    "/api/v1/courses/{course_id:int}",
    opt=allow(ADMIN),
    status_code=200,
    sync_to_thread=True,
    tags=["courses"],
    summary="Delete a course for good, with its documents, conversations, figures and members (admins; ?name=)",
)
def delete_course(
    course_id: CourseId,
    request: Request,
    services: NamedDependency[Services],
    name: Annotated[str | None, QueryParameter(description="The course's name, confirming which goes.")] = None,
) -> DeletedCourse:
    """Not the default course; refused (409) while files are being ingested into it. The audit log keeps its name."""
    course = services.courses.get(course_id)
    gone = services.courses.delete(course_id, name, services.vectors)
    services.audit.record(request.user, "course.delete", course_target(course), **gone)
    return DeletedCourse(
        course_id, course["name"], gone["documents"], gone["conversations"], gone["interactions"], gone["memberships"]
    )


@post("/api/v1/courses/join", opt=allow(USERS), sync_to_thread=True, tags=["courses"], summary="Join by code")
def join_course(data: JSONBody[JoinCode], request: Request, services: NamedDependency[Services]) -> JoinedCourse:
    course = services.courses.by_code(data.join_code)
    services.courses.require_open(course["id"], "new members")
    # Entered again, or by a student the teacher added: told so, and no membership is logged as added.
    already = course["id"] in services.courses.visible(request.user)
    if not already:
        services.courses.add_member(course["id"], request.user, "student")
        services.audit.record(request.user, "membership.add", course_target(course), user=request.user["username"])
    return JoinedCourse(course["id"], course["name"], already)


@get(
    "/api/v1/courses/{course_id:int}/members",
    opt=allow(STAFF),
    sync_to_thread=True,
    tags=["courses"],
    summary="A course's members",
)
def list_members(course_id: CourseId, request: Request, services: NamedDependency[Services]) -> MemberList:
    services.courses.require_teacher(request.user, course_id)
    return MemberList(msgspec.convert(services.courses.members(course_id), list[Member]))


@post(
    "/api/v1/courses/{course_id:int}/members",
    opt=allow(STAFF),
    status_code=201,
    sync_to_thread=True,
    tags=["courses"],
    summary="Add a user to a course",
)
def add_member(
    course_id: CourseId, data: JSONBody[NewMember], request: Request, services: NamedDependency[Services]
) -> AddedMember:
    services.courses.require_teacher(request.user, course_id)
    user = services.accounts.named(data.username)
    # Added again: told so, and, as for a join code entered again, no membership is logged as added.
    added = services.courses.add_member(course_id, user)
    if added:
        target = course_target(services.courses.get(course_id))
        services.audit.record(request.user, "membership.add", target, user=user["username"])
    return AddedMember(msgspec.convert(services.courses.members(course_id), list[Member]), not added)


@delete(
    "/api/v1/courses/{course_id:int}/members/{user_id:int}",
    opt=allow(STAFF),
    status_code=200,
    sync_to_thread=True,
    tags=["courses"],
    summary="Remove a member from a course (its last teacher only by an admin, with ?last_teacher=true)",
)
def remove_member(
    course_id: CourseId,
    user_id: UserId,
    request: Request,
    services: NamedDependency[Services],
    last_teacher: FromQuery[bool] = False,
) -> MemberList:
    """The member's past questions stay in the course's analytics; they can no longer ask in or read the course."""
    services.courses.require_teacher(request.user, course_id)
    if last_teacher and request.user["role"] != "admin":
        raise Forbidden("only an admin can remove a course's last teacher")
    user = services.accounts.get(user_id)
    role = services.courses.remove_member(course_id, user, last_teacher)
    target = course_target(services.courses.get(course_id))
    services.audit.record(request.user, "membership.remove", target, user=user["username"], role=role)
    return MemberList(msgspec.convert(services.courses.members(course_id), list[Member]))


@get(
    "/api/v1/courses/{course_id:int}/stats",
    opt=allow(STAFF),
    sync_to_thread=True,
    tags=["courses"],
    summary="What the course's students ask (add ?format=csv for every interaction)",
)
def course_stats(
    course_id: CourseId, request: Request, services: NamedDependency[Services], format: FromQuery[str] = "json"
) -> Response[CourseStats | str]:
    services.courses.require_teacher(request.user, course_id)
    if format == "csv":
        body = analytics.export_csv(services.database, course_id, _pseudonym_key(services, request.user))
        return Response(
            body,
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="course-{course_id}.csv"'},
        )
    if format != "json":
        raise InvalidInput("format must be json or csv")
    return Response(msgspec.convert(analytics.stats(services.database, course_id), CourseStats))


@get(
    "/api/v1/courses/{course_id:int}/questions",
    opt=allow(STAFF),
    sync_to_thread=True,
    tags=["courses"],
    summary="Every question the course's students asked, as CSV: when, who, covered or not, sources cited",
    media_type="text/csv",
    responses={
        200: ResponseSpec(
            QuestionRow,
            media_type="text/csv",
            description="A header, then a QuestionRow a line",
            generate_examples=False,
        )
    },
)
def export_questions(course_id: CourseId, request: Request, services: NamedDependency[Services]) -> Stream:
    services.courses.require_teacher(request.user, course_id)
    rows = analytics.questions_csv(services.database, course_id, _pseudonym_key(services, request.user))
    disposition = f'attachment; filename="course-{course_id}-questions.csv"'
    return Stream(rows, media_type="text/csv", headers={"Content-Disposition": disposition})


def _pseudonym_key(services: Services, user: dict) -> bytes | None:
    """Admins see names; teachers see pseudonyms when the setting asks for it (the key making them), else names."""
    if not services.settings.hide_student_names or user["role"] == "admin":
        return None
    return secret.derive(secret.load_or_create(services.settings.secret_path), "pseudonyms")


handlers = [
    list_courses,
    create_course,
    change_course,
    delete_course,
    join_course,
    list_members,
    add_member,
    remove_member,
    course_stats,
    export_questions,
]
