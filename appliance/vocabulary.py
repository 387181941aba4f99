"""The appliance's enumerations, each defined once: roles, background levels, search modes, job statuses, sign-up."""

from typing import Literal, get_args

Role = Literal["admin", "teacher", "student"]
ROLES: tuple[Role, ...] = get_args(Role)

# A student's background in software and in hardware; answers are pitched at it.
Level = Literal["beginner", "intermediate", "expert"]
LEVELS: tuple[Level, ...] = get_args(Level)

SearchMode = Literal["hybrid", "dense", "keyword"]
SEARCH_MODES: tuple[SearchMode, ...] = get_args(SearchMode)

JobStatus = Literal["queued", "running", "done", "failed"]

# Who may make an account over HTTP: nobody (admins make them), anyone, or whoever has a course's join code.
SignUpMode = Literal["closed", "open", "join_code"]

# The course the first migration makes; material and users from before courses existed belong to it.
DEFAULT_COURSE = 1
