"""End to end, the line HTTP API of a real Odoo 18 under pressure (plain HTTP, straight to Odoo):

1. Concurrency: one station posts the same batch of commissioning reads twice at the same moment
   (two threads, one batch key, the same event ids) with heartbeats beside them, round after round.
   Both answers of a round are 200 and agree, every read is stored and applied once (the read
   ledger, the batch ledger, the registry's events and counters), and Odoo logs no serialization
   failure and no error.
2. Fuzzing (hypothesis, derandomized): random JSON of any shape and valid bodies mutated field by
   field (wrong types, null, huge ints, huge strings, deep nesting, long lists, unknown keys, lone
   surrogates, NUL characters), broken bytes (not UTF-8, not JSON, truncated), odd content types
   and keys, posted to every POST route; random query strings and paths to the GET routes; bodies
   above the size cap. Never a 5xx; every 4xx of a route of the API is JSON; a refused batch
   writes nothing, and in the end the ledgers hold exactly what was accepted.

The station, its batch and its codes are the fixture's ``hardening`` part (odoo_setup.py): the
other end-to-end tests' codes are not touched.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracekit import wire
from tracekit.proxy.protocol import utc_iso

API = "/trace/hw/v1"
ROUNDS, PER_ROUND = 10, 5  # the concurrency test: 50 units
FUZZ_SETTINGS = {"deadline": None, "derandomize": True, "database": None, "print_blob": True,
                 "suppress_health_check": list(HealthCheck)}


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes

    def json(self):
        return json.loads(self.body)


class Client:
    """One HTTP connection to Odoo (reopened when the server closed it)."""

    def __init__(self, line):
        self.port = line.http_port
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def connect(self):
        self.conn.connect()

    def close(self):
        self.conn.close()

    def send(self, method: str, path: str, body: bytes | None = None, key: str | None = None,
             content_type: str | None = "application/json", headers: dict | None = None,
             chunked: bool = False) -> Answer:
        head = dict(headers or {})
        if key is not None:
            head["Authorization"] = f"Bearer {key}"
        if content_type is not None and body is not None:
            head["Content-Type"] = content_type
        if chunked and body is not None:
            step = 64 * 1024
            data = [body[i:i + step] for i in range(0, len(body), step)]
            head["Transfer-Encoding"] = "chunked"
        else:
            data = body
        for attempt in range(2):
            try:
                if self.conn.sock is None:
                    self.conn.connect()
                try:
                    self.conn.request(method, path, body=data, headers=head, encode_chunked=chunked)
                except (BrokenPipeError, ConnectionResetError):
                    # the server answered (413) before reading all of a large body: read its answer
                    pass
                response = self.conn.getresponse()
                answer = Answer(response.status, response.getheader("Content-Type") or "", response.read())
                if response.will_close:
                    self.conn.close()
                return answer
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
                self.conn.close()  # a kept-alive connection the server had closed: once more on a new one
                if attempt:
                    raise
        raise AssertionError("unreachable")


def _log_since(line, offset: int) -> str:
    with open(line.log, "rb") as handle:
        handle.seek(offset)
        return handle.read().decode("utf-8", errors="replace")


def _assert_clean_log(line, offset: int) -> None:
    text = _log_since(line, offset)
    assert "could not serialize" not in text.lower(), text[-5000:]
    errors = [row for row in text.splitlines() if " ERROR " in row or " CRITICAL " in row]
    assert not errors, "\n".join(errors[:20]) + "\n" + text[-5000:]


def _names(names) -> str:
    return "ARRAY[" + ",".join("'" + n.replace("'", "''") + "'" for n in names) + "]::varchar[]"


def _counters_agree(line, batch_id: int) -> None:
    """The registry's counters (trace_code_count) agree with its rows for ``batch_id``."""
    counted = {f"{level}/{state}": int(n) for level, state, n in line.sql(
        f"SELECT level, state, sum(delta) FROM trace_code_count WHERE batch_id = {batch_id} GROUP BY 1, 2")}
    actual = {f"{level}/{state}": int(n) for level, state, n in line.sql(
        "SELECT c.level, CASE WHEN t.code_id IS NULL THEN c.activation ELSE 'packed' END, count(*)"
        f" FROM trace_code c LEFT JOIN trace_code_tree t ON t.code_id = c.id WHERE c.batch_id = {batch_id}"
        " GROUP BY 1, 2")}
    assert {k: v for k, v in counted.items() if v} == actual


def _event(code: str, seq: int, kind: str = "commission") -> dict:
    event = {"id": uuid.uuid4().hex, "device": "cam1", "seq": seq, "time": utc_iso(time.time()), "type": kind,
             "code": code}
    if kind == "reject":
        event["reason"] = "no read"
    return event


def _heartbeat(station_code: str, backlog: int) -> dict:
    return {"station": station_code, "backlog": backlog, "rates": {"reads_per_min": 60.0 + backlog},
            "devices": [{"code": "cam1", "status": "ok", "reads": backlog * 7, "rejects": 0, "noise": 1,
                         "message": ""},
                        {"code": "prn1", "status": "offline", "message": f"round {backlog}"}]}


# ------------------------------------------------------------------------------------------------
# 1. the same batch twice at once


def _post_at(barrier, answers, slot, client, path, body, key):
    barrier.wait()
    try:
        answers[slot] = client.send("POST", path, body, key=key)
    except BaseException as error:  # reported by the test
        answers[slot] = error



def test_the_same_batch_posted_twice_at_once_is_stored_and_applied_once(odoo_line):
    line = odoo_line
    hard = line.data["hardening"]
    station, key = hard["station"], hard["station"]["key"]
    units = hard["units"][:ROUNDS * PER_ROUND]
    offset = line.log.stat().st_size
    keys, event_ids = [], []
    for number in range(ROUNDS):
        chunk = units[number * PER_ROUND:(number + 1) * PER_ROUND]
        batch = {"key": uuid.uuid4().hex, "station": station["code"],
                 "events": [_event(u["link"], number * PER_ROUND + i) for i, u in enumerate(chunk)]}
        keys.append(batch["key"])
        event_ids += [e["id"] for e in batch["events"]]
        raw = json.dumps(batch).encode()
        posts = [(f"{API}/events", raw)] * 2 + [
            (f"{API}/heartbeat", json.dumps(_heartbeat(station["code"], number * 10 + i)).encode()) for i in range(2)]
        clients = [Client(line) for _post in posts]
        for client in clients:
            client.connect()  # connected first, so the posts leave at the barrier together
        barrier = threading.Barrier(len(posts))
        answers: list = [None] * len(posts)
        threads = [threading.Thread(target=_post_at, args=(barrier, answers, slot, clients[slot], path, body, key),
                                    daemon=True)
                   for slot, (path, body) in enumerate(posts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for client in clients:
            client.close()
        assert all(isinstance(a, Answer) for a in answers), answers
        first, second, *beats = answers
        assert (first.status, second.status) == (200, 200), (first, second)
        assert first.json() == second.json(), "the two answers of one batch differ"
        results = first.json()["results"]
        assert [r["id"] for r in results] == [e["id"] for e in batch["events"]]
        assert {r["status"] for r in results} == {"ok"}, results
        assert [(b.status, b.json()) for b in beats] == [(200, {"ok": True})] * 2, beats

    # each read stored once and answered ok, each batch stored once
    rows, distinct, ok = line.sql(
        "SELECT count(*), count(DISTINCT event_id), count(*) FILTER (WHERE status = 'ok') FROM trace_hw_read"
        f" WHERE station_id = {station['id']} AND event_id = ANY({_names(event_ids)})")[0]
    assert (int(rows), int(distinct), int(ok)) == (len(event_ids),) * 3
    stored = line.sql(f"SELECT key, event_count, ok_count FROM trace_hw_ingest WHERE station_id = {station['id']}"
                      f" AND key = ANY({_names(keys)})")
    assert sorted(stored) == sorted([k, str(PER_ROUND), str(PER_ROUND)] for k in keys)
    # each unit activated once: active, one commissioning event in the registry's ledger
    names = [u["name"] for u in units]
    assert int(line.scalar(f"SELECT count(*) FROM trace_code WHERE name = ANY({_names(names)})"
                           " AND activation = 'active'")) == len(names)
    commissioned = dict(line.sql(
        "SELECT c.name, count(*) FROM trace_event e CROSS JOIN LATERAL unnest(e.epc_ids) AS x(id)"
        f" JOIN trace_code c ON c.id = x.id WHERE e.biz_step = 'commissioning' AND c.name = ANY({_names(names)})"
        " GROUP BY 1"))
    assert commissioned == dict.fromkeys(names, "1")
    _counters_agree(line, hard["batch_id"])
    # the heartbeats were recorded beside the batches
    assert line.scalar(f"SELECT status FROM trace_hw_device WHERE station_id = {station['id']}"
                       " AND code = 'prn1'") == "offline"
    _assert_clean_log(line, offset)


# ------------------------------------------------------------------------------------------------
# 2. fuzzing


class Deep:
    """A placeholder for a value nested ``depth`` lists deep: spliced into the bytes after
    ``json.dumps`` (which cannot write such depths itself)."""

    def __init__(self, depth: int):
        self.depth = depth
        self.token = f"__deep_{uuid.uuid4().hex}__"


def _dumps(value) -> bytes:
    deep: list[Deep] = []

    def swap(item):
        if isinstance(item, Deep):
            deep.append(item)
            return item.token
        if isinstance(item, dict):
            return {k: swap(v) for k, v in item.items()}
        if isinstance(item, list):
            return [swap(v) for v in item]
        return item

    text = json.dumps(swap(value))
    for item in deep:
        text = text.replace(f'"{item.token}"', "[" * item.depth + "]" * item.depth)
    return text.encode("utf-8", errors="surrogatepass")


def _seen(raw: bytes):
    """What the server parses out of ``raw`` (as its controller does), or None when not JSON."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None


scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
           | st.sampled_from([2**53, 2**53 + 1, 2**63, -2**63 - 1, 10**40, -1, 0, 1.5, "", "\x00", "\ud800"]))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=5), max_leaves=25)
bad_values = st.one_of(
    st.none(), st.booleans(), st.floats(), st.text(max_size=20),
    st.integers(min_value=-2**80, max_value=2**80),
    st.sampled_from([2**31, 2**53, 2**53 + 1, 2**64, -1, -2**63, 10**30, 0]),
    st.integers(min_value=30, max_value=70_000).map(lambda n: "x" * n),  # long texts
    st.integers(min_value=30, max_value=800).map(lambda n: "ü" * n),
    st.sampled_from(["\x00", "A\x00B", "\ud800", "x\udfffy", "\u2028", "2026-13-45T99:00:00Z", "0001-01-01T00:00:00",
                     "9999-12-31T23:59:59Z", "2026-11-25T08:00:00+99:00", "NaN", "aggregate", "commission"]),
    st.integers(min_value=2, max_value=6_000).map(lambda n: ["0" * 20] * n),  # long lists
    st.integers(min_value=50, max_value=200_000).map(Deep),  # deep nesting
    st.lists(json_values, max_size=4), st.dictionaries(st.text(max_size=8), json_values, max_size=4),
)


@st.composite
def mutated(draw, base: dict):
    """``base`` mutated: 1 to 3 times a field (at any depth) set to a bad value, deleted, or an
    unknown key added beside it."""
    body = json.loads(json.dumps(base))
    for _time in range(draw(st.integers(1, 3))):
        containers: list = []

        def walk(node, containers=containers):
            if isinstance(node, dict):
                containers.append(node)
                for value in node.values():
                    walk(value, containers)
            elif isinstance(node, list):
                containers.append(node)
                for value in node:
                    walk(value, containers)

        walk(body)
        node = draw(st.sampled_from(containers))
        how = draw(st.sampled_from(["set", "set", "delete", "add"]))
        if isinstance(node, dict):
            if how == "add" or not node:
                node[draw(st.text(min_size=1, max_size=10))] = draw(json_values | bad_values)
            else:
                field = draw(st.sampled_from(sorted(node)))
                if how == "delete":
                    del node[field]
                else:
                    node[field] = draw(bad_values)
        elif how == "add" or not node:
            node.append(draw(json_values | bad_values))
        else:
            index = draw(st.integers(0, len(node) - 1))
            if how == "delete":
                del node[index]
            else:
                node[index] = draw(bad_values)
    return body


@st.composite
def raw_bodies(draw, valid):
    """The bytes of a body: random JSON, or ``valid`` (a strategy) valid or mutated, sometimes
    with its bytes broken."""
    source = draw(st.sampled_from(["random", "valid", "mutated", "mutated", "mutated"]))
    if source == "random":
        raw = _dumps(draw(json_values))
    else:
        base = draw(valid)
        raw = _dumps(base if source == "valid" else draw(mutated(base)))
    damage = draw(st.sampled_from([None] * 6 + ["insert", "truncate", "junk", "binary", "bom", "empty"]))
    if damage == "insert" and raw:
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x00", b"\x80\x80"])) + raw[at:]
    elif damage == "truncate" and len(raw) > 1:
        raw = raw[:draw(st.integers(1, len(raw) - 1))]
    elif damage == "junk":
        raw = draw(st.binary(min_size=1, max_size=20)) + raw
    elif damage == "binary":
        raw = draw(st.binary(max_size=200))
    elif damage == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif damage == "empty":
        raw = b""
    return raw


content_types = st.sampled_from(["application/json"] * 8 + [
    None, "text/plain", "application/json; charset=latin-1", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz", "application/json-rpc"])


def _keys(line):
    good = line.data["hardening"]["station"]["key"]
    return st.sampled_from([good] * 12 + [None, "", "thw_", "thw_" + "A" * 43, good[:-1] + "x", good + " ",
                                          "\u00e9" + good, good.upper()])


def _check(answer: Answer, routed: bool = True) -> None:
    """Never a 5xx; a 4xx of an API route is a JSON object naming the error."""
    assert answer.status < 500, (answer.status, answer.body[:2000])
    if 400 <= answer.status < 500 and routed:
        assert answer.content_type.startswith("application/json"), (answer.status, answer.content_type,
                                                                     answer.body[:500])
        body = answer.json()
        assert isinstance(body, dict) and body.get("error"), body


def _ledger(line) -> tuple:
    """Everything a batch of reads can write, counted."""
    return tuple(line.sql(
        "SELECT (SELECT count(*) FROM trace_hw_read), (SELECT count(*) FROM trace_hw_ingest),"
        " (SELECT count(*) FROM trace_event), (SELECT count(*) FROM trace_code_tree),"
        " (SELECT count(*) FROM trace_code_count),"
        " (SELECT count(*) FROM trace_code WHERE activation <> 'issued')")[0])


@pytest.fixture(scope="module")
def fuzz(odoo_line):
    """What the fuzz tests share: the station, the codes they may use (not the concurrency test's
    nor the print job's), one HTTP client, and the ledger as it was before."""
    line = odoo_line
    hard = line.data["hardening"]
    station = hard["station"]
    state = {
        "line": line, "station": station, "client": Client(line),
        "codes": [u["link"] for u in hard["units"][ROUNDS * PER_ROUND:-3]]
        + [u["name"] for u in hard["units"][ROUNDS * PER_ROUND:ROUNDS * PER_ROUND + 5]],
        "offset": line.log.stat().st_size,
        "marks": {table: int(line.scalar(f"SELECT coalesce(max(id), 0) FROM {table}"))
                  for table in ("trace_hw_read", "trace_hw_ingest")},
        "accepted_keys": set(), "accepted_ids": set(), "refused": 0, "posts": 0,
    }
    state["ledger"] = _ledger(line)
    yield state
    state["client"].close()


def _valid_events(fuzz):
    codes = fuzz["codes"]
    event = st.fixed_dictionaries({
        "id": st.uuids().map(lambda u: u.hex), "device": st.sampled_from(["cam1", "cam2"]),
        "seq": st.integers(0, 2**53), "time": st.just("2026-11-25T08:15:02.123456Z"),
        "type": st.sampled_from(["commission"] * 4 + ["scan", "reject"]), "code": st.sampled_from(codes),
    }).map(lambda e: dict(e, reason="smudged") if e["type"] == "reject" else e)
    aggregate = st.builds(lambda e, children: dict(e, type="aggregate", children=children),
                          event, st.lists(st.sampled_from(codes), min_size=1, max_size=3))
    return st.fixed_dictionaries({
        "key": st.uuids().map(lambda u: u.hex), "station": st.just(fuzz["station"]["code"]),
        "events": st.lists(event | aggregate, min_size=1, max_size=4),
    })


def test_fuzzed_event_batches_never_5xx_and_refused_ones_write_nothing(fuzz):
    line, client = fuzz["line"], fuzz["client"]

    @settings(max_examples=700, **FUZZ_SETTINGS)
    @given(raw=raw_bodies(_valid_events(fuzz)), key=_keys(line), content_type=content_types,
           chunked=st.booleans())
    def post(raw, key, content_type, chunked):
        answer = client.send("POST", f"{API}/events", raw, key=key, content_type=content_type,
                             chunked=chunked and len(raw) > 0)
        _check(answer)
        fuzz["posts"] += 1
        after = _ledger(line)
        if answer.status == 200:
            body = _seen(raw)
            assert isinstance(body, dict), raw[:300]
            results = answer.json()["results"]
            assert [r["id"] for r in results] == [e["id"] for e in body["events"]]
            fuzz["accepted_keys"].add(body["key"])
            fuzz["accepted_ids"].update(e["id"] for e in body["events"])
        else:
            fuzz["refused"] += 1
            assert after == fuzz["ledger"], f"a refused batch ({answer.status}) wrote: {answer.body[:300]}"
        fuzz["ledger"] = after

    post()
    station_id = fuzz["station"]["id"]
    # the ledgers hold exactly what was accepted: its batches' keys, their event ids
    keys = {row[0] for row in line.sql(f"SELECT key FROM trace_hw_ingest WHERE station_id = {station_id}"
                                       f" AND id > {fuzz['marks']['trace_hw_ingest']}")}
    ids = {row[0] for row in line.sql(f"SELECT event_id FROM trace_hw_read WHERE station_id = {station_id}"
                                      f" AND id > {fuzz['marks']['trace_hw_read']}")}
    assert keys == fuzz["accepted_keys"] and ids == fuzz["accepted_ids"]
    assert fuzz["refused"] > fuzz["posts"] // 3 and len(keys) > 20, (fuzz["refused"], fuzz["posts"], len(keys))
    _counters_agree(line, line.data["hardening"]["batch_id"])
    _assert_clean_log(line, fuzz["offset"])


def _valid_heartbeat(fuzz):
    device = st.fixed_dictionaries({
        "code": st.sampled_from(["cam1", "prn1", "cam9"]), "status": st.sampled_from(["ok", "error", "offline"]),
        "reads": st.integers(0, 2**31 - 1), "rejects": st.integers(0, 1000), "noise": st.integers(0, 1000),
        "message": st.text(max_size=40)})
    return st.fixed_dictionaries({
        "station": st.just(fuzz["station"]["code"]), "backlog": st.integers(0, 2**53),
        "devices": st.lists(device, max_size=3), "rates": st.fixed_dictionaries(
            {"reads_per_min": st.floats(min_value=0, max_value=1e7)})})


def test_fuzzed_heartbeats_never_5xx(fuzz):
    line, client = fuzz["line"], fuzz["client"]
    offset = line.log.stat().st_size

    @settings(max_examples=350, **FUZZ_SETTINGS)
    @given(raw=raw_bodies(_valid_heartbeat(fuzz)), key=_keys(line), content_type=content_types)
    def post(raw, key, content_type):
        _check(client.send("POST", f"{API}/heartbeat", raw, key=key, content_type=content_type))

    post()
    _assert_clean_log(line, offset)


def test_fuzzed_print_reports_never_5xx_and_refused_ones_change_nothing(fuzz):
    line, client = fuzz["line"], fuzz["client"]
    offset = line.log.stat().st_size
    job = line.data["hardening"]["print_job"]
    station_id = fuzz["station"]["id"]
    codes = job["codes"]
    report = st.fixed_dictionaries({
        "printed": st.lists(st.sampled_from(codes), max_size=3, unique=True),
        "rejected": st.lists(st.fixed_dictionaries({"code": st.sampled_from(codes), "reason": st.text(max_size=20)}),
                             max_size=2)})
    job_ids = st.sampled_from([job["id"]] * 6 + [0, 1, job["id"] + 1000, 2**31, 2**31 - 1, 10**30])
    jobs_query = f"SELECT id, state, printed_count, report_hash FROM trace_hw_print_job WHERE station_id = {station_id}"

    @settings(max_examples=250, **FUZZ_SETTINGS)
    @given(raw=raw_bodies(report), key=_keys(line), content_type=content_types, job_id=job_ids)
    def post(raw, key, content_type, job_id):
        before = line.sql(jobs_query)
        answer = client.send("POST", f"{API}/print_jobs/{job_id}/done", raw, key=key, content_type=content_type)
        _check(answer)
        if answer.status != 200:
            assert line.sql(jobs_query) == before, answer.body[:300]

    post()
    _assert_clean_log(line, offset)


def test_fuzzed_queries_and_paths_of_the_get_routes_never_5xx(fuzz):
    line, client = fuzz["line"], fuzz["client"]
    offset = line.log.stat().st_size
    params = st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=40), max_size=4)
    queries = st.one_of(params.map(urlencode), st.text(max_size=60).map(lambda t: quote(t, safe="=&;%+")),
                        st.binary(max_size=40).map(lambda b: quote(b, safe="=&")),
                        st.integers(1, 20_000).map(lambda n: "a=" + "x" * n))
    routes = st.sampled_from([f"{API}/config", f"{API}/print_jobs"])
    others = st.one_of(
        st.sampled_from([f"{API}/config/", f"{API}/print_jobs/", f"{API}/print_jobs/1", f"{API}/config/x",
                         f"{API}/print_jobs/-1/done", f"{API}/print_jobs/1.5/done", f"{API}//config", f"{API}/"]),
        st.text(min_size=1, max_size=30).map(lambda t: f"{API}/print_jobs/{quote(t, safe='')}/done"),
        st.text(min_size=1, max_size=30).map(lambda t: f"{API}/{quote(t, safe='/')}"))

    @settings(max_examples=200, **FUZZ_SETTINGS)
    @given(path=routes | others, query=queries, key=_keys(line), method=st.sampled_from(["GET"] * 5 + ["HEAD"]))
    def get(path, query, key, method):
        answer = client.send(method, f"{path}?{query}" if query else path, key=key)
        _check(answer, routed=method == "GET")  # any path of the API: a JSON answer (HEAD: none)
        if method == "GET" and answer.status == 200:
            assert answer.content_type.startswith("application/json") and isinstance(answer.json(), dict)

    get()
    _assert_clean_log(line, offset)


def test_bodies_above_the_cap_and_deep_bodies_are_json_4xx_on_every_post_route(fuzz):
    line, client = fuzz["line"], fuzz["client"]
    offset = line.log.stat().st_size
    job = line.data["hardening"]["print_job"]
    key = fuzz["station"]["key"]
    over = wire.MAX_BODY_BYTES + 1
    bodies = [
        (b'{"key": "' + b"x" * (over - 10) + b'"}', False, 413),
        (b'{"key": "' + b"x" * (over - 10) + b'"}', True, 413),  # chunked: no length announced
        (b"[" * over, False, 413),
        (b"[" * 100_000 + b"]" * 100_000, False, 400),  # deeper than any parser's recursion
        (b'{"events": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", True, 400),
        (b'{"backlog": ' + b"9" * 5000 + b"}", False, 400),  # more digits than Python converts
        (b" " * (wire.MAX_BODY_BYTES - 2) + b"[]", False, 400),  # at the cap: read, and refused as no object
    ]
    before = _ledger(line)
    for path in (f"{API}/events", f"{API}/heartbeat", f"{API}/print_jobs/{job['id']}/done"):
        for raw, chunked, status in bodies:
            answer = client.send("POST", path, raw, key=key, chunked=chunked)
            _check(answer)
            assert answer.status == status, (path, raw[:30], chunked, answer.status, answer.body[:300])
    assert _ledger(line) == before
    _assert_clean_log(line, offset)


def test_texts_postgresql_cannot_store_are_refused_or_stored_never_a_5xx(fuzz):
    """NUL characters and lone surrogates (valid JSON escapes, not storable text) in every text a
    route stores; parameters named like the routes' own arguments."""
    line, client = fuzz["line"], fuzz["client"]
    offset = line.log.stat().st_size
    key, code = fuzz["station"]["key"], fuzz["station"]["code"]
    job = line.data["hardening"]["print_job"]
    unit = fuzz["codes"][-1]
    for bad in (r"A\u0000B", r"\ud800", r"x\udfffy", r"\udbff\udfff"):  # JSON escapes; the last a valid pair
        event = ('{"id": "%s", "device": "cam1", "seq": 1, "time": "2026-11-25T08:00:00Z", "type": "%s",'
                 ' "code": "%s"%s}')
        posts = [
            (f"{API}/events", '{"key": "%s", "events": [%s]}' % (uuid.uuid4().hex, event % (
                uuid.uuid4().hex, "aggregate", unit, ', "children": ["%s"]' % bad))),
            (f"{API}/events", '{"key": "%s", "events": [%s]}' % (uuid.uuid4().hex, event % (
                uuid.uuid4().hex, "reject", unit, ', "reason": "%s"' % bad))),
            (f"{API}/events", '{"key": "%s", "events": [%s]}' % (uuid.uuid4().hex, event % (
                uuid.uuid4().hex, "scan", bad, ""))),
            (f"{API}/events", '{"key": "%s", "station": "%s", "events": [%s]}' % (uuid.uuid4().hex[:10] + bad, code,
                                                                                 event % (bad, "scan", unit, ""))),
            (f"{API}/heartbeat", '{"station": "%s", "devices": [{"code": "cam1", "message": "%s"}]}' % (code, bad)),
            (f"{API}/heartbeat", '{"devices": [{"code": "%s", "status": "ok"}]}' % bad),
            (f"{API}/print_jobs/{job['id']}/done", '{"printed": ["%s"], "rejected": [{"code": "%s", "reason": "%s"}]}'
             % (bad, job["codes"][0], bad)),
        ]
        for path, text in posts:
            before = _ledger(line)
            answer = client.send("POST", path, text.encode(), key=key)
            _check(answer)
            if answer.status != 200:
                assert _ledger(line) == before, (path, text)
    # (not "self": Odoo itself passes the query's parameters to a route's method as keywords, and
    # one named "self" fails there, before any code of the addon runs; no proxy sends a query)
    for query in ("job_id=abc", "rest=x", "key=1&events=2", "csrf_token=x", "debug=assets"):
        for path in (f"{API}/config", f"{API}/print_jobs"):
            _check(client.send("GET", f"{path}?{query}", key=key))
        _check(client.send("POST", f"{API}/print_jobs/1/done?{query}", b"{}", key=key))
        _check(client.send("POST", f"{API}/heartbeat?{query}", b"{}", key=key))
    for method, path in (("GET", f"{API}/events"), ("POST", f"{API}/config"), ("DELETE", f"{API}/print_jobs"),
                         ("POST", f"{API}/nowhere"), ("GET", API), ("PUT", f"{API}/heartbeat")):
        answer = client.send(method, path, b"{}" if method != "GET" else None, key=key)
        _check(answer)
        assert answer.status in (404, 405), (method, path, answer.status)
    _assert_clean_log(line, offset)
