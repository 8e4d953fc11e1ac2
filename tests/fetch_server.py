#!/usr/bin/env python3
"""fetch_server.py ROOT PORTFILE LOGFILE - the local HTTP server of lever fetch's tests.

Binds 127.0.0.1 on a free port (written to PORTFILE once listening), never anything else,
and serves until killed. Each request is logged to LOGFILE as one line:
"METHOD PATH?QUERY range=RANGE key=KEY".

A path may start with /s/SCENARIO/, which picks how the server misbehaves (SCENARIO-x is
the same, with its own count of requests); the rest of the path is what a real server
would see:
  ok          as a real server (the default)
  429once     the first request gets HTTP 429 with Retry-After: 1, later ones the answer
  429long     every request gets 429 with Retry-After: 3600
  500once     the first request gets HTTP 503, later ones the answer
  401         HTTP 401 and the Comtrade API's message for a bad key
  quota       HTTP 403 and the Comtrade API's message for a used-up quota
  404         HTTP 404
  cut         every body stops at half its Content-Length and the connection is closed
  cutonce     the first body stops at half, later requests get the answer (Range honoured)
  cutjson     the body has no Content-Length and stops at half (only a JSON check sees it)
  norange     Range is ignored: always the whole file, 200
  cutnorange  the first body stops at half; later requests get the whole file, 200
  changed     a Comtrade answer in another layout ("results" instead of "data")
  html        an HTML page with status 200
  recorded    every Comtrade question gets ROOT/recorded.json, a recorded real answer

Files: GET .../NAME.zip serves ROOT/NAME.zip, with HTTP Range. Comtrade questions
(/data/v1/get/C/{A,M}/HS and /public/v1/preview/C/{A,M}/HS) get a SYNTHETIC answer
computed from the query: one record per reporter, period, partner, flow and product, with
the Comtrade Plus API's 47 fields in its order, values from a hash (not real trade), at
most maxRecords records, "count" the number returned, and a member "lever_synthetic" that
makes lever import mark the store synthetic. Without partnerCode the partners are
a fixed list of seven. With cmdCode=AG6 the products are a fixed list of five.
"""
import hashlib
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ROOT, PORTFILE, LOGFILE = sys.argv[1:4]

FIELDS = ("typeCode freqCode refPeriodId refYear refMonth period reporterCode reporterISO "
          "reporterDesc flowCode flowDesc partnerCode partnerISO partnerDesc partner2Code "
          "partner2ISO partner2Desc classificationCode classificationSearchCode "
          "isOriginalClassification cmdCode cmdDesc aggrLevel isLeaf customsCode customsDesc "
          "mosCode motCode motDesc qtyUnitCode qtyUnitAbbr qty isQtyEstimated altQtyUnitCode "
          "altQtyUnitAbbr altQty isAltQtyEstimated netWgt isNetWgtEstimated grossWgt "
          "isGrossWgtEstimated cifvalue fobvalue primaryValue legacyEstimationFlag isReported "
          "isAggregate").split()
COUNTRIES = {0: ("W00", "World"), 4: ("AFG", "Afghanistan"), 156: ("CHN", "China"),
             398: ("KAZ", "Kazakhstan"), 417: ("KGZ", "Kyrgyzstan"), 643: ("RUS", "Russian Federation"),
             762: ("TJK", "Tajikistan"), 795: ("TKM", "Turkmenistan"), 860: ("UZB", "Uzbekistan")}
PARTNERS_ALL = [4, 156, 398, 417, 643, 762, 860]
PRODUCTS_AG6 = {"100199": "Wheat and meslin: other than durum wheat, other than seed",
                "110100": "Wheat or meslin flour",
                "271019": "Petroleum oils: medium oils and preparations",
                "720851": "Iron or non-alloy steel: flat-rolled, thickness over 10mm",
                "870323": "Vehicles: cylinder capacity over 1500cc but not over 3000cc"}
FLOWS = {"M": "Import", "X": "Export", "RM": "Re-import", "RX": "Re-export"}

lock = threading.Lock()
seen = {}  # scenario -> requests so far


def number(*parts):
    h = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(h[:8], "big")


def synthetic_answer(query, freq):
    q = {k: v[0] for k, v in parse_qs(query).items()}
    reporters = [int(r) for r in q.get("reporterCode", "0").split(",")]
    periods = q.get("period", "2019").split(",")
    partners = [int(p) for p in q["partnerCode"].split(",")] if "partnerCode" in q else PARTNERS_ALL
    flows = q.get("flowCode", "M,X").split(",")
    cmds = q.get("cmdCode", "AG6").split(",")
    if cmds == ["AG6"]:
        cmds = list(PRODUCTS_AG6)
    limit = int(q.get("maxRecords", "500"))
    records = []
    for r in reporters:
        for period in periods:
            for flow in flows:
                for p in partners:
                    if p == r:
                        continue
                    for k in cmds:
                        if len(records) >= limit:
                            break
                        records.append(record(r, period, flow, p, k, freq))
    return {"elapsedTime": "0.01 secs", "count": len(records),
            "lever_synthetic": "made up by lever's local test server: not real trade",
            "data": records}


def record(r, period, flow, p, k, freq):
    year = int(period[:4])
    month = int(period[4:]) if len(period) > 4 else 52
    value = number(r, period, flow, p, k) % 50_000_000 + 1000
    if k == "110100" and ((r, p, flow) in ((398, 4, "X"), (4, 398, "M"))):
        value *= 20  # Kazakhstan's flour to Afghanistan stands out, as in the synthetic world
    if flow == "M":
        cif, fob = value, None
    else:
        cif, fob = None, value
    kg = value // 3 if k not in ("870323",) else None
    rc, rd = COUNTRIES.get(r, (str(r), "Country %d" % r))
    pc, pd = COUNTRIES.get(p, (str(p), "Country %d" % p))
    values = ["C", freq, int("%d%02d01" % (year, month if month <= 12 else 1)), year, month,
              period, r, rc, rd, flow, FLOWS.get(flow, flow), p, pc, pd, 0, "W00", "World",
              "H5", "HS", True, k, PRODUCTS_AG6.get(k, "Commodity " + k), len(k), len(k) == 6,
              "C00", "TOTAL CPC", "0", 0, "TOTAL MOT", 8 if kg is not None else -1,
              "kg" if kg is not None else "N/A", float(kg) if kg is not None else None, False,
              -1, "N/A", None, False, float(kg) if kg is not None else None, False, None, False,
              float(cif) if cif is not None else None, float(fob) if fob is not None else None,
              float(value), 0, True, False]
    return dict(zip(FIELDS, values))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, ctype="application/json", headers=(), length=None, cut=False):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        if length is not False:
            self.send_header("Content-Length", str(len(body) if length is None else length))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if cut else body)
        self.wfile.flush()
        self.close_connection = True

    def do_GET(self):
        parts = urlsplit(self.path)
        path, query = parts.path, parts.query
        scenario = "ok"
        if path.startswith("/s/"):
            scenario, _, rest = path[3:].partition("/")
            path = "/" + rest
        key = self.headers.get("Ocp-Apim-Subscription-Key", "")
        rng = self.headers.get("Range", "")
        with lock:
            with open(LOGFILE, "a") as log:
                log.write("GET %s?%s range=%s key=%s scenario=%s\n" % (path, query, rng, key, scenario))
            n = seen.get(scenario, 0)
            seen[scenario] = n + 1
        scenario = scenario.split("-")[0]  # "cutonce-2": another cutonce, counted apart
        if scenario == "429long" or (scenario == "429once" and n == 0):
            return self.send(429, b'{"statusCode": 429, "message": "Rate limit is exceeded. '
                             b'Try again in 1 seconds."}', headers=[("Retry-After", "3600" if
                                                                   scenario == "429long" else "1")])
        if scenario == "500once" and n == 0:
            return self.send(503, b"Service Unavailable", ctype="text/plain")
        if scenario == "401":
            return self.send(401, b'{ "statusCode": 401, "message": "Access denied due to invalid '
                             b'subscription key. Make sure to provide a valid key for an active '
                             b'subscription." }')
        if scenario == "quota":
            return self.send(403, b'{ "statusCode": 403, "message": "Out of call volume quota. '
                             b'Quota will be replenished in 10:31:04." }')
        if scenario == "html":
            return self.send(200, b"<html><body>Service down for maintenance</body></html>",
                             ctype="text/html")
        if scenario == "404":
            return self.send(404, b"<html>Not Found</html>", ctype="text/html")
        if "/C/" in path and path.endswith("/HS"):
            freq = path.split("/C/")[1][0]
            if scenario == "recorded":
                with open(os.path.join(ROOT, "recorded.json"), "rb") as f:
                    body = f.read()
            elif scenario == "changed":
                body = json.dumps({"elapsedTime": "0.01 secs", "count": 1,
                                   "results": [{"reporter": 398}]}).encode()
            else:
                body = json.dumps(synthetic_answer(query, freq), indent=4).encode()
            return self.body(body, "application/json", scenario, n, rng)
        name = os.path.basename(path)
        file = os.path.join(ROOT, name)
        if not name.endswith(".zip") or not os.path.isfile(file):
            return self.send(404, b"<html>Not Found</html>", ctype="text/html")
        with open(file, "rb") as f:
            body = f.read()
        return self.body(body, "application/zip", scenario, n, rng)

    def body(self, body, ctype, scenario, n, rng):
        if scenario == "cut" or (scenario in ("cutonce", "cutnorange") and n == 0):
            return self.send(200, body, ctype, length=len(body), cut=True)
        if scenario == "cutjson":
            return self.send(200, body, ctype, length=False, cut=True)
        if rng.startswith("bytes=") and scenario not in ("norange", "cutnorange"):
            start = int(rng[6:].split("-")[0])
            if start >= len(body):
                return self.send(416, b"", ctype, headers=[("Content-Range", "bytes */%d" % len(body))])
            return self.send(206, body[start:], ctype, headers=[
                ("Content-Range", "bytes %d-%d/%d" % (start, len(body) - 1, len(body)))])
        return self.send(200, body, ctype)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
