#!/usr/bin/env python3
"""Speak raw JSON-RPC to an Odoo server's /jsonrpc with nothing but the standard library,
exactly as Odoo's external API documentation shows (the `json_rpc` / `call` helpers of the
"Web Services" page, and the calls of the "External API" page: version, authenticate,
check_access_rights, search, search_count, read, fields_get, search_read, create, write,
unlink), and check the answers a real Odoo 18 gives.

    python3 raw_jsonrpc.py --url http://127.0.0.1:8069 --db erp18 --user admin --password admin \
        --demo-user demo --demo-password demo

Every check prints one line; the exit status is 0 only if all of them passed.
"""

import argparse
import json
import random
import sys
import urllib.request


def json_rpc(url, method, params):
    data = {
        "jsonrpc": "2.0",
        "method": method,
        "params": params,
        "id": random.randint(0, 1000000000),
    }
    req = urllib.request.Request(url=url, data=json.dumps(data).encode(), headers={
        "Content-Type": "application/json",
    })
    reply = json.loads(urllib.request.urlopen(req, timeout=30).read().decode("UTF-8"))
    if reply.get("error"):
        raise OdooRpcError(reply)
    return reply["result"]


def call(url, service, method, *args):
    return json_rpc(url, "call", {"service": service, "method": method, "args": args})


class OdooRpcError(Exception):
    """The documented `raise Exception(reply["error"])`, keeping the whole reply to check it."""

    def __init__(self, reply):
        super().__init__(reply["error"])
        self.reply = reply
        self.error = reply["error"]

    def __str__(self):
        data = self.error.get("data") or {}
        return "%s: %s" % (data.get("name"), data.get("message"))


CHECKS = []


def check(name):
    def wrap(fn):
        CHECKS.append((name, fn))
        return fn

    return wrap


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True, help="http://HOST:PORT")
    ap.add_argument("--db", required=True)
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password", default="admin")
    ap.add_argument("--demo-user", default="demo")
    ap.add_argument("--demo-password", default="demo")
    ap.add_argument("--expect-version", default="18.0")
    args = ap.parse_args()
    url = args.url.rstrip("/") + "/jsonrpc"
    DB, USER, PASS = args.db, args.user, args.password
    s = {}

    def models(model, method, *rest):
        """models.execute_kw(db, uid, password, model, method, args[, kwargs])"""
        return call(url, "object", "execute_kw", DB, s["uid"], PASS, model, method, *rest)

    @check("common.version: server_version and server_version_info")
    def _():
        v = call(url, "common", "version")
        expect(v["server_version"] == args.expect_version, "server_version %r" % v)
        info = v["server_version_info"]
        expect(isinstance(info, list) and len(info) == 6, "server_version_info %r" % info)
        expect(info[0] == int(args.expect_version.split(".")[0]), "major %r" % info)
        expect(v["protocol_version"] == 1, "protocol_version %r" % v)

    @check("common.authenticate(db, user, password, {}) answers the uid")
    def _():
        uid = call(url, "common", "authenticate", DB, USER, PASS, {})
        expect(isinstance(uid, int) and uid > 0, "uid %r" % (uid,))
        s["uid"] = uid

    @check("common.login(db, user, password) answers the same uid")
    def _():
        expect(call(url, "common", "login", DB, USER, PASS) == s["uid"], "login uid differs")

    @check("check_access_rights(['read'], {'raise_exception': False}) is true")
    def _():
        ok = models("res.partner", "check_access_rights", ["read"], {"raise_exception": False})
        expect(ok is True, "check_access_rights %r" % (ok,))

    @check("search([[['is_company', '=', True]]]) answers ids")
    def _():
        ids = models("res.partner", "search", [[["is_company", "=", True]]])
        expect(isinstance(ids, list) and ids and all(isinstance(i, int) for i in ids), "ids %r" % ids)
        s["companies"] = ids

    @check("search with {'offset': 1, 'limit': 2} pages the same result")
    def _():
        page = models("res.partner", "search", [[["is_company", "=", True]]], {"offset": 1, "limit": 2})
        expect(page == s["companies"][1:3], "page %r vs %r" % (page, s["companies"][1:3]))

    @check("search_count matches search")
    def _():
        n = models("res.partner", "search_count", [[["is_company", "=", True]]])
        expect(n == len(s["companies"]), "search_count %r vs %d" % (n, len(s["companies"])))

    @check("read([ids], {'fields': [...]}) answers just those fields, many2one as [id, name]")
    def _():
        ids = s["companies"][:2]
        rows = models("res.partner", "read", [ids], {"fields": ["name", "country_id", "comment"]})
        expect([r["id"] for r in rows] == ids, "ids %r" % rows)
        for r in rows:
            expect(set(r) == {"id", "name", "country_id", "comment"}, "keys %r" % sorted(r))
            c = r["country_id"]
            expect(c is False or (len(c) == 2 and isinstance(c[0], int) and isinstance(c[1], str)), "country_id %r" % (c,))

    @check("fields_get([], {'attributes': ['string', 'help', 'type']})")
    def _():
        desc = models("res.partner", "fields_get", [], {"attributes": ["string", "help", "type"]})
        expect(len(desc) > 50, "only %d fields" % len(desc))
        expect(desc["name"]["type"] == "char" and desc["name"]["string"] == "Name", "name %r" % desc["name"])
        for name, d in desc.items():
            expect(set(d) <= {"string", "help", "type"}, "%s attributes %r" % (name, sorted(d)))

    @check("search_read([[...]], {'fields': [...], 'limit': 5})")
    def _():
        rows = models("res.partner", "search_read", [[["is_company", "=", True]]],
                      {"fields": ["name", "country_id", "comment"], "limit": 5})
        expect(0 < len(rows) <= 5, "rows %r" % rows)
        expect(all(set(r) == {"id", "name", "country_id", "comment"} for r in rows), "keys %r" % rows)
        expect([r["id"] for r in rows] == s["companies"][:len(rows)], "order differs from search")

    @check("create([{'name': 'New Partner'}]) answers the new id")
    def _():
        new_id = models("res.partner", "create", [{"name": "New Partner"}])
        expect(isinstance(new_id, int) and new_id > 0, "id %r" % (new_id,))
        s["id"] = new_id

    @check("write([[id], {'name': 'Newer partner'}]) answers True")
    def _():
        expect(models("res.partner", "write", [[s["id"]], {"name": "Newer partner"}]) is True, "write")

    @check("read([[id], ['display_name']]) shows the new name")
    def _():
        rows = models("res.partner", "read", [[s["id"]], ["display_name"]])
        expect(rows == [{"id": s["id"], "display_name": "Newer partner"}], "read %r" % rows)

    @check("unlink([[id]]) answers True and search no longer finds it")
    def _():
        expect(models("res.partner", "unlink", [[s["id"]]]) is True, "unlink")
        left = models("res.partner", "search", [[["id", "=", s["id"]]]])
        expect(left == [], "left %r" % left)

    @check("ir.model: the model is listed (introspection)")
    def _():
        rows = models("ir.model", "search_read", [[["model", "=", "res.partner"]]], {"fields": ["model", "name"]})
        expect(len(rows) == 1 and rows[0]["model"] == "res.partner", "ir.model %r" % rows)

    @check("a wrong password: authenticate answers false (no error)")
    def _():
        expect(call(url, "common", "authenticate", DB, USER, "not-the-password", {}) is False, "not false")

    @check("a wrong password on execute_kw: error odoo.exceptions.AccessDenied")
    def _():
        try:
            call(url, "object", "execute_kw", DB, s["uid"], "not-the-password", "res.partner", "search", [[]])
        except OdooRpcError as exc:
            e = exc.error
            expect(e["code"] == 200 and e["message"] == "Odoo Server Error", "envelope %r" % e)
            expect(e["data"]["name"] == "odoo.exceptions.AccessDenied", "name %r" % e["data"]["name"])
            expect(set(e["data"]) >= {"name", "debug", "message", "arguments", "context"}, "data %r" % sorted(e["data"]))
            expect(exc.reply["jsonrpc"] == "2.0" and "id" in exc.reply, "reply %r" % exc.reply)
        else:
            raise AssertionError("execute_kw with a wrong password succeeded")

    @check("an access error: the demo user reading ir.config_parameter")
    def _():
        demo = call(url, "common", "authenticate", DB, args.demo_user, args.demo_password, {})
        expect(isinstance(demo, int) and demo != s["uid"], "demo uid %r" % (demo,))
        try:
            call(url, "object", "execute_kw", DB, demo, args.demo_password, "ir.config_parameter",
                 "search_read", [[]], {"fields": ["key"]})
        except OdooRpcError as exc:
            e = exc.error
            expect(e["data"]["name"] == "odoo.exceptions.AccessError", "name %r" % e["data"]["name"])
            expect("ir.config_parameter" in e["data"]["message"], "message %r" % e["data"]["message"])
        else:
            raise AssertionError("the demo user read ir.config_parameter")
        ok = call(url, "object", "execute_kw", DB, demo, args.demo_password, "ir.config_parameter",
                  "check_access_rights", ["read"], {"raise_exception": False})
        expect(ok is False, "check_access_rights for demo %r" % (ok,))

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
        print("raw_jsonrpc: %d of %d checks failed" % (failed, len(CHECKS)))
        return 1
    print("raw_jsonrpc: all %d checks ok" % len(CHECKS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
