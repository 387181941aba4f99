"""People and courses: accounts, memberships, rate limits and what teachers see of students' questions."""
