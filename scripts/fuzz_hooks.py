"""Schemathesis hooks for `make fuzz` (loaded through SCHEMATHESIS_HOOKS by scripts/fuzz.sh).

The fuzzer calls every operation, `POST /auth/logout-all` included, which revokes the member's token on
purpose; a fixed `Authorization` header would then turn the rest of the run into 401s. This provider logs in
for a fresh token instead, and again whenever a response is a 401 (schemathesis' default `retry_on`).
"""

import datetime
import os

import requests
import schemathesis


@schemathesis.auth()
class MemberToken:
    def get(self, case, context):
        response = requests.post(
            f"{os.environ['FUZZ_BASE_URL']}/auth/login",
            json={"username": os.environ["FUZZ_USERNAME"], "password": os.environ["FUZZ_PASSWORD"]},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["token"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.hook
def map_case(context, case):
    """A feed cursor is an opaque value the server issued (`next_cursor`), bound to its sort: no schema can say
    which hex strings are real cursors, so schema-valid random ones are not valid requests. Positive cases leave
    it out; negative cases keep their malformed cursors, which must be refused."""
    meta = getattr(case, "meta", None)
    positive = meta is not None and not meta.generation.mode.is_negative
    if positive and case.query and "cursor" in case.query and case.operation.path != "/moderation/log":
        case.query = {k: v for k, v in case.query.items() if k != "cursor"}
    # The run's own role stays admin, or every moderation operation after a demotion would only test the 403.
    # Only a valid role is replaced (by another valid one), so a negative case stays as invalid as it was.
    own = str(os.environ.get("FUZZ_USER_ID", ""))
    if (
        case.operation.path == "/users/{id}/role"
        and str((case.path_parameters or {}).get("id")) == own
        and isinstance(case.body, dict)
        and case.body.get("role") in ("member", "moderator")
    ):
        case.body = {**case.body, "role": "admin"}
    # A suspension's end must be in the future, which no schema can say: positive cases get a valid one.
    if positive and isinstance(case.body, dict) and case.body.get("until") is not None:
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
        case.body = {**case.body, "until": later.isoformat()}
    return case
