from django.db import connection
from django.test.utils import CaptureQueriesContext
from .test_schedule_pages import make_slots, day_of

def test_q(client_as, caseworker, county):
    s = make_slots(caseworker, county, 3)
    c = client_as(caseworker)
    with CaptureQueriesContext(connection) as q:
        c.get("/visits/", {"day": day_of(s[0])})
    for x in q.captured_queries: print(x["sql"][:160])
    with CaptureQueriesContext(connection) as q:
        c.get(f"/visits/slots/{s[0].pk}/")
    print(len(q.captured_queries))
