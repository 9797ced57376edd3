#!/usr/bin/env python3
"""Talk to an aiM18 server the way aiM18's documentation and its published Java sample do,
with nothing but the standard library: a password-grant token (`GET /jsf/rfws/oauth/token`
with the password as lower-case SHA-1 hex), then the documented search example
(`GET /jsf/rfws/search/search?stSearch=employee&startRow=1&endRow=10` with the
`authorization: Bearer <token>` and `client_id` headers), a read of one of the rows
(`GET /jsf/rfws/entity/read/employee?menuCode=employee&id=..`), and a refresh.

    python3 aim18_check.py --url http://127.0.0.1:8018 --client-id C-... --client-secret ... \
        --user admin --password admin-password

Only what the documentation states is checked (no aiM18 recordings exist to compare with).
Every check prints one line; the exit status is 0 only if all of them passed.
"""

import argparse
import hashlib
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

CHECKS = []


def check(name):
    def wrap(fn):
        CHECKS.append((name, fn))
        return fn

    return wrap


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def get(url, headers=None):
    """(status, headers, body) of a GET; HTTP errors are answers too."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read().decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--client-id", required=True)
    ap.add_argument("--client-secret", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    args = ap.parse_args()
    base = args.url.rstrip("/")
    s = {}

    def token_url(**params):
        return base + "/jsf/rfws/oauth/token?" + urllib.parse.urlencode(params)

    def service_headers():
        return {
            "authorization": "%s %s" % ("Bearer", s["access_token"]),
            "client_id": args.client_id,
            "cache-control": "no-cache",
        }

    @check("password grant: GET oauth/token with the SHA-1 hex password")
    def _():
        sha1 = hashlib.sha1(args.password.encode("utf-8")).hexdigest()
        status, _, body = get(token_url(grant_type="password", client_id=args.client_id,
                                        client_secret=args.client_secret, username=args.user,
                                        password=sha1))
        expect(status == 200, "status %d: %s" % (status, body))
        tok = json.loads(body)
        for key in ("access_token", "refresh_token", "token_type", "uid"):
            expect(key in tok, "no %s in %r" % (key, tok))
        expect(tok["token_type"].lower() == "bearer", "token_type %r" % tok["token_type"])
        expect(isinstance(tok["uid"], int), "uid %r" % tok["uid"])
        s.update(tok)

    @check("the plain password (not hashed) is refused")
    def _():
        status, _, body = get(token_url(grant_type="password", client_id=args.client_id,
                                        client_secret=args.client_secret, username=args.user,
                                        password=args.password))
        expect(status != 200 and "access_token" not in body, "status %d: %s" % (status, body))

    @check("search: the documented example stSearch=employee&startRow=1&endRow=10")
    def _():
        status, _, body = get(base + "/jsf/rfws/search/search?stSearch=employee&startRow=1&endRow=10",
                              service_headers())
        expect(status == 200, "status %d: %s" % (status, body))
        res = json.loads(body)
        expect(res.get("stSearch") == "employee", "stSearch %r" % res.get("stSearch"))
        expect("stSearchDisplay" in res and "size" in res, "keys %r" % sorted(res))
        rows = res.get("values")
        expect(isinstance(rows, list) and 0 < len(rows) <= 10, "values %r" % rows)
        expect(res["size"] == len(rows), "size %r for %d rows" % (res["size"], len(rows)))
        for row in rows:
            expect("id" in row and "code" in row, "row %r" % row)
        s["employee"] = rows[0]["id"]

    @check("read: entity/read/employee?menuCode=employee&id=.. answers an SqlEntity")
    def _():
        status, _, body = get(base + "/jsf/rfws/entity/read/employee?menuCode=employee&id=%d" % s["employee"],
                              service_headers())
        expect(status == 200, "status %d: %s" % (status, body))
        entity = json.loads(body)
        main = entity.get("mainTableName")
        expect(isinstance(main, str) and main in entity, "mainTableName %r in %r" % (main, sorted(entity)))
        table = entity[main]
        if isinstance(table, str):  # tables travel as JSON strings (SqlEntity serialization)
            table = json.loads(table)
        expect("fields" in table and "values" in table, "table %r" % sorted(table))
        expect(table["values"] and table["values"][0].get("id") == s["employee"], "values %r" % table["values"][:1])

    @check("a call without a valid token is refused")
    def _():
        headers = service_headers()
        headers["authorization"] = "Bearer not-a-token"
        status, _, _ = get(base + "/jsf/rfws/search/search?stSearch=employee&startRow=1&endRow=10", headers)
        expect(status in (400, 401, 403), "status %d" % status)

    @check("refresh grant: a new access token that works")
    def _():
        status, _, body = get(token_url(grant_type="refresh_token", client_id=args.client_id,
                                        client_secret=args.client_secret,
                                        refresh_token=s["refresh_token"]))
        expect(status == 200, "status %d: %s" % (status, body))
        tok = json.loads(body)
        expect(tok.get("access_token") and tok["access_token"] != s["access_token"], "token %r" % tok)
        s["access_token"] = tok["access_token"]
        status, _, body = get(base + "/jsf/rfws/search/search?stSearch=employee&startRow=1&endRow=1",
                              service_headers())
        expect(status == 200, "search with the new token: %d %s" % (status, body))

    failed = 0
    for name, fn in CHECKS:
        try:
            fn()
        except KeyError as exc:
            failed += 1
            print("skip %s (needs an earlier check that failed: %s)" % (name, exc))
        except Exception as exc:  # noqa: BLE001 - report every failure, then go on
            failed += 1
            print("FAIL %s: %s: %s" % (name, type(exc).__name__, exc))
        else:
            print("ok   %s" % name)
        sys.stdout.flush()
    if failed:
        print("aim18_check: %d of %d checks failed" % (failed, len(CHECKS)))
        return 1
    print("aim18_check: all %d checks ok" % len(CHECKS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
