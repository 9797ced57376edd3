#!/usr/bin/env python3
"""Drive an Odoo server with Odooly (a second third-party client, from PyPI, written
independently of OdooRPC) and check what a real Odoo 16-19 answers.

Odooly talks to a server in its own ways, none of them OdooRPC's: the web client's routes
(`/web/webclient/version_info`, `/web/database/list`, `/web/session/authenticate`,
`/web/dataset/call_kw/<model>/<method>`) by default, `/jsonrpc` when the URL ends with it, and
on Odoo 19 JSON-2 (`/json/2/<model>/<method>` with a bearer API key). Its `env.ref()` reads
`ir.model.data` with a search domain (OdooRPC calls `check_object_reference`).

    python odooly_check.py --url http://127.0.0.1:8069 --db erp18 --login admin \
        --password admin --expect-version 18.0 [--api-key KEY]

Every check prints one line; the exit status is 0 only if all of them passed. Run against
erpbind's fake server by tests/tests/fidelity_python.rs.
"""

import argparse
import sys
import traceback

import odooly

CHECKS = []
FAILED = []

# external ids every database with these apps has (base, and the reports of installed apps)
XMLIDS = {
    "base.lang_en": ("res.lang", "code", "en_US"),
    "base.module_base": ("ir.module.module", "name", "base"),
    "base.rateUSD": ("res.currency.rate", None, None),
    "base.action_partner_form": ("ir.actions.act_window", "res_model", "res.partner"),
    "base.main_company": ("res.company", None, None),
    "base.user_admin": ("res.users", "login", None),
    "base.USD": ("res.currency", "name", "USD"),
    "base.group_user": ("res.groups", None, None),
    "base.model_res_partner": ("ir.model", "model", "res.partner"),
}


def check(name):
    def wrap(fn):
        CHECKS.append((name, fn))
        return fn

    return wrap


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def server_error_name(exc):
    """The Odoo exception class of an Odooly ServerError (`odoo.exceptions.ValidationError`)."""
    err = exc.args[0] if exc.args else None
    if isinstance(err, dict):
        return (err.get("data") or {}).get("name") or err.get("name")
    return None


def server_error_text(exc):
    err = exc.args[0] if exc.args else None
    if isinstance(err, dict):
        data = err.get("data") or {}
        return data.get("message") or err.get("message") or str(err)
    return str(exc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--login", default="admin")
    ap.add_argument("--password", default="admin")
    ap.add_argument("--api-key", default=None, help="Odoo 19: also check JSON-2 with this key")
    ap.add_argument("--expect-version", default="18.0")
    args = ap.parse_args()
    major = int(args.expect_version.split(".")[0])
    state = {}

    def env():
        return state["client"].env

    @check("connect over the web client's routes: version from /web/webclient/version_info")
    def _():
        client = odooly.Client(args.url, db=args.db, user=args.login, password=args.password)
        state["client"] = client
        expect(client.server_version.startswith(args.expect_version), "version %r" % client.server_version)
        expect(client.env.uid and client.env.uid > 0, "uid %r" % client.env.uid)
        expect(client.env.db_name == args.db, "db %r" % client.env.db_name)

    @check("/web/database/list (JSON-RPC route) names the database")
    def _():
        dbs = state["client"].database.list()
        expect(isinstance(dbs, list) and args.db in dbs, "database.list() = %r" % (dbs,))

    @check("env.user: the logged-in user, its company, its companies (a many2many of 2+)")
    def _():
        user = env().user
        expect(user.login == args.login, "login %r" % user.login)
        expect(isinstance(user.company_id.name, str) and user.company_id.name, "company %r" % user.company_id)
        companies = user.company_ids
        expect(len(companies) >= 2, "company_ids %r" % companies)
        expect(all(isinstance(n, str) and n for n in companies.name), "names %r" % companies.name)

    @check("env.ref(xml id) reads ir.model.data for the standard external ids")
    def _():
        for xmlid, (model, field, value) in XMLIDS.items():
            rec = env().ref(xmlid)
            expect(rec is not None, "%s not found" % xmlid)
            expect(rec._name == model, "%s is a %s" % (xmlid, rec._name))
            if field:
                got = getattr(rec, field)
                want = args.login if value is None else value
                expect(got == want, "%s.%s = %r" % (xmlid, field, got))
        expect(env().ref("base.no_such_external_id") is None, "an unknown external id was found")
        expect(env().ref("base.main_company").id == env().user.company_id.id, "main_company")

    @check("a record's external id (ir.model.data read by model and res_id)")
    def _():
        lang = env()["res.lang"].get(env().ref("base.lang_en").id)
        expect(lang._external_id == "base.lang_en", "external id %r" % lang._external_id)

    @check("model fields: fields_get through Model.fields() and Model.field()")
    def _():
        Partner = env()["res.partner"]
        fields = Partner.fields()
        expect("name" in fields and fields["name"]["type"] == "char", "name %r" % fields.get("name"))
        expect(Partner.field("country_id")["relation"] == "res.country", "country_id")
        keys = Partner.keys()
        expect("email" in keys and "id" in keys, "keys %r" % keys[:10])

    @check("search, search_count, read by ids, read by domain with a field list")
    def _():
        Partner = env()["res.partner"]
        ids = Partner.search([("is_company", "=", True)]).ids
        expect(ids, "no company partner")
        expect(Partner.search_count([("is_company", "=", True)]) == len(ids), "search_count")
        rows = Partner.read(ids[:3], "name is_company")
        expect([r["id"] for r in rows] == ids[:3], "read order %r" % rows)
        expect(all(r["is_company"] is True for r in rows), "is_company %r" % rows)
        names = Partner.read([("id", "in", ids[:3])], "name")
        expect(sorted(names) == sorted(r["name"] for r in rows), "names %r" % names)

    @check("create, write, read back, unlink")
    def _():
        Partner = env()["res.partner"]
        rec = Partner.create({"name": "Odooly Fidelity", "email": "odooly@example.com"})
        expect(rec.id > 0, "id %r" % rec.id)
        rec.write({"city": "Odooly City"})
        expect(rec.read("city") == "Odooly City", "city %r" % rec.read("city"))
        rec.unlink()
        expect(not Partner.search([("id", "=", rec.id)]), "not unlinked")

    @check("technical models: ir.cron, ir.actions.actions 1, installed modules' text fields")
    def _():
        expect(env()["ir.cron"].search([]), "no ir.cron record")
        action = env()["ir.actions.actions"].browse(1)
        expect(isinstance(action.name, str) and action.name, "action 1 %r" % action.name)
        sale = env()["ir.module.module"].get([("name", "=", "sale")])
        expect(sale is not None and sale.state == "installed", "sale module %r" % sale)
        expect(isinstance(sale.views_by_module, str) and sale.views_by_module, "views_by_module")

    @check("ir.actions.report lists the reports of the installed apps")
    def _():
        rows = env()["ir.actions.report"].search_read([], ["model", "report_name"])
        models = {r["model"] for r in rows}
        for model in ("account.move", "sale.order", "stock.picking", "purchase.order"):
            expect(model in models, "no report for %s: %r" % (model, sorted(models)))
        names = {r["report_name"] for r in rows}
        expect("account.report_invoice" in names, "account.report_invoice missing")

    @check("a duplicate login is refused by the unique constraint (ValidationError)")
    def _():
        try:
            env()["res.users"].create({"name": "Odooly Duplicate", "login": args.login})
        except odooly.ServerError as exc:
            expect(server_error_name(exc) == "odoo.exceptions.ValidationError", "error %r" % server_error_name(exc))
            text = server_error_text(exc)
            expect("The operation cannot be completed:" in text, text)
            expect("two users with the same login" in text, text)
        else:
            raise AssertionError("a second user with the login %r was created" % args.login)

    @check("the /jsonrpc endpoint: login, env.ref and read")
    def _():
        client = odooly.Client(args.url.rstrip("/") + "/jsonrpc", db=args.db, user=args.login, password=args.password)
        expect(client.env.uid == env().uid, "uid %r" % client.env.uid)
        lang = client.env.ref("base.lang_en")
        expect(lang is not None and lang.code == "en_US", "lang %r" % lang)
        rows = client.env["res.partner"].read([("is_company", "=", True)], "name", limit=2)
        expect(len(rows) == 2 and all(isinstance(n, str) for n in rows), "rows %r" % rows)

    if args.api_key and major >= 19:

        @check("Odoo 19 JSON-2 with an API key: env.ref, search, read, fields")
        def _():
            # Odooly reuses the environment of an earlier login to the same server and database
            # (the web session above); forget it so that this client authenticates with the key
            odooly.Env._cache.clear()
            client = odooly.Client(args.url, db=args.db, user=args.login, api_key=args.api_key)
            ref = client.env.ref("base.action_partner_form")
            expect(ref is not None and ref._name == "ir.actions.act_window", "ref %r" % ref)
            Partner = client.env["res.partner"]
            ids = Partner.search([("is_company", "=", True)], limit=3).ids
            expect(len(ids) == 3, "ids %r" % ids)
            names = Partner.read(ids, "name")
            expect(len(names) == 3 and all(isinstance(n, str) for n in names), "names %r" % names)
            expect(Partner.field("name")["type"] == "char", "fields_get over JSON-2")

    for name, fn in CHECKS:
        try:
            fn()
        except KeyError as exc:
            FAILED.append(name)
            if exc.args and exc.args[0] == "client":
                print("skip %s (needs an earlier check that failed)" % name)
                continue
            print("FAIL %s: KeyError: %s" % (name, exc))
            traceback.print_exc(limit=3, file=sys.stdout)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, then the next check runs
            FAILED.append(name)
            print("FAIL %s: %s: %s" % (name, type(exc).__name__, exc))
            if not isinstance(exc, AssertionError):
                traceback.print_exc(limit=3, file=sys.stdout)
        else:
            print("ok   %s" % name)
        sys.stdout.flush()
    total = len(CHECKS)
    if FAILED:
        print("odooly_check: %d of %d checks failed" % (len(FAILED), total))
        return 1
    print("odooly_check: all %d checks ok (Odooly %s)" % (total, getattr(odooly, "__version__", "?")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
