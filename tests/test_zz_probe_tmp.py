import pytest
from tests.conftest import *  # noqa
def test_probe(cast, api):
    c = api(cast.outsider)
    for body in [{"name": "Open Reading Group", "visibility": "public"}, {"name": "!!!", "visibility": "public"},
                 {"name": "x"*121, "visibility": "public"}, {"name": "  ", "visibility": "public"}, [1,2], {"name": 5, "visibility":"public"},
                 {"name": "é漢字", "visibility": "private", "description": None}]:
        r = c.post("/api/v1/groups/", body, format="json"); print(body if not isinstance(body, dict) else str(body)[:60], r.status_code, r.content[:150])
    for body in [[1], {"join_code": 5}, {"join_code": None}, "x"]:
        r = c.post(f"/api/v1/groups/{cast.private.slug}/join/", body, format="json"); print("join", body, r.status_code, r.content[:100])
    f = api(cast.facilitator)
    for body in [[1], {"name": ""}, {"description": None}, {"slug": "new"}, {"join_code": "abc"}]:
        r = f.patch(f"/api/v1/groups/{cast.public.slug}/", body, format="json"); print("patch", body, r.status_code, r.content[:150])
    r = f.patch(f"/api/v1/groups/{cast.public.slug}/members/mo/", [1], format="json"); print("role list", r.status_code, r.content)
    r = f.put(f"/api/v1/groups/{cast.public.slug}/", {"name":"a","visibility":"public"}, format="json"); print("put", r.status_code, r.content)
    r = f.delete(f"/api/v1/groups/{cast.public.slug}/"); print("delete", r.status_code, r.content)
    r = api().get("/api/v1/groups/?page=abc"); print("page abc", r.status_code, r.content[:100])
