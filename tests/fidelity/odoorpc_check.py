#!/usr/bin/env python3
"""Drive an Odoo server with OdooRPC (a third-party client, from PyPI) and check what a real
Odoo 18 would answer.

Written against the behaviour of a real Odoo 18.0 server, so that it can be pointed at one as
well as at erpbind's fake server (tests/tests/fidelity_python.rs does the latter in CI):

    python odoorpc_check.py --host 127.0.0.1 --port 8069 --db erp18 \
        --login admin --password admin --demo-login demo --demo-password demo

Every check prints one line; the exit status is 0 only if all of them passed.
"""

import argparse
import base64
import sys
import traceback

import odoorpc
from odoorpc.error import RPCError

CHECKS = []
FAILED = []


def check(name):
    def wrap(fn):
        CHECKS.append((name, fn))
        return fn

    return wrap


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def rpc_error_name(exc):
    """The Odoo exception class of an RPCError (`odoo.exceptions.AccessError`)."""
    info = exc.info if isinstance(exc.info, dict) else {}
    return (info.get("data") or {}).get("name")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8069)
    ap.add_argument("--db", required=True)
    ap.add_argument("--login", default="admin")
    ap.add_argument("--password", default="admin")
    ap.add_argument("--demo-login", default="demo")
    ap.add_argument("--demo-password", default="demo")
    ap.add_argument("--expect-version", default="18.0")
    args = ap.parse_args()

    state = {}

    @check("connect: version detected from /web/webclient/version_info")
    def _():
        odoo = odoorpc.ODOO(args.host, port=args.port, timeout=30)
        state["odoo"] = odoo
        expect(odoo.version == args.expect_version, "version %r" % odoo.version)

    @check("db.list() names the database")
    def _():
        dbs = state["odoo"].db.list()
        expect(isinstance(dbs, list) and args.db in dbs, "db.list() = %r" % dbs)

    @check("login (common.login, then res.users.context_get)")
    def _():
        odoo = state["odoo"]
        odoo.login(args.db, args.login, args.password)
        expect(isinstance(odoo.env.uid, int) and odoo.env.uid > 0, "uid %r" % odoo.env.uid)
        ctx = odoo.env.context
        expect(ctx.get("uid") == odoo.env.uid, "context uid %r" % ctx)
        expect(ctx.get("lang") == "en_US", "context lang %r" % ctx)
        expect("tz" in ctx, "context without tz: %r" % ctx)

    @check("env.user: browse and read the logged-in user")
    def _():
        user = state["odoo"].env.user
        expect(user.id == state["odoo"].env.uid, "user id %r" % user.id)
        expect(user.login == args.login, "login %r" % user.login)
        expect(isinstance(user.name, str) and user.name, "name %r" % user.name)
        expect(user.partner_id and user.partner_id.id > 0, "partner_id %r" % user.partner_id)

    @check("'res.partner' in env (ir.model search); an unknown model is not")
    def _():
        env = state["odoo"].env
        expect("res.partner" in env, "res.partner missing")
        expect("no.such.model" not in env, "no.such.model present")
        state["Partner"] = env["res.partner"]

    @check("env['res.partner'].search_read(domain, fields, limit, order)")
    def _():
        rows = state["Partner"].search_read(
            [("is_company", "=", True)], ["name", "country_id", "email"], limit=5, order="name"
        )
        expect(isinstance(rows, list) and 0 < len(rows) <= 5, "rows %r" % rows)
        for row in rows:
            expect(set(row) == {"id", "name", "country_id", "email"}, "keys %r" % sorted(row))
            c = row["country_id"]
            expect(
                c is False or (isinstance(c, list) and len(c) == 2 and isinstance(c[0], int)),
                "many2one %r" % (c,),
            )
            expect(row["email"] is False or isinstance(row["email"], str), "email %r" % row)
        names = [r["name"] for r in rows]
        expect(names == sorted(names, key=str.lower), "not ordered by name: %r" % names)

    @check("search, search_count and read agree")
    def _():
        P = state["Partner"]
        ids = P.search([("is_company", "=", True)])
        count = P.search_count([("is_company", "=", True)])
        expect(len(ids) == count, "search %d vs search_count %d" % (len(ids), count))
        rows = P.read(ids[:3], ["name", "is_company"])
        expect([r["id"] for r in rows] == ids[:3], "read order %r vs %r" % (rows, ids[:3]))
        expect(all(r["is_company"] is True for r in rows), "is_company %r" % rows)

    @check("fields_get(fields, attributes) answers just what was asked")
    def _():
        desc = state["Partner"].fields_get(
            ["name", "email", "country_id"], attributes=["string", "type", "relation"]
        )
        expect(set(desc) == {"name", "email", "country_id"}, "fields %r" % sorted(desc))
        expect(desc["name"]["type"] == "char", "name %r" % desc["name"])
        expect(desc["country_id"]["type"] == "many2one", "country_id %r" % desc["country_id"])
        expect(desc["country_id"]["relation"] == "res.country", "relation %r" % desc["country_id"])
        for name, d in desc.items():
            expect(set(d) <= {"string", "type", "relation"}, "%s attributes %r" % (name, sorted(d)))

    @check("create one record answers its id; create a list answers a list of ids")
    def _():
        P = state["Partner"]
        pid = P.create({"name": "OdooRPC Fidelity", "email": "fidelity@example.com", "is_company": True})
        expect(isinstance(pid, int) and pid > 0, "id %r" % (pid,))
        state["pid"] = pid
        ids = P.create([{"name": "OdooRPC Fidelity A"}, {"name": "OdooRPC Fidelity B"}])
        expect(isinstance(ids, list) and len(ids) == 2 and all(isinstance(i, int) for i in ids), "ids %r" % (ids,))
        state["more"] = ids

    @check("write answers True and read gives the new value back")
    def _():
        P = state["Partner"]
        ok = P.write([state["pid"]], {"phone": "+1 555 0100", "city": "Fidelity City"})
        expect(ok is True, "write answered %r" % (ok,))
        row = P.read([state["pid"]], ["phone", "city", "display_name"])[0]
        expect(row["phone"] == "+1 555 0100" and row["city"] == "Fidelity City", "read %r" % row)
        expect(row["display_name"] == "OdooRPC Fidelity", "display_name %r" % row)

    @check("records: browse, read a field, assign one (auto-commit write), many2one and one2many")
    def _():
        P = state["Partner"]
        rec = P.browse(state["pid"])
        expect(rec.name == "OdooRPC Fidelity", "name %r" % rec.name)
        rec.phone = "+1 555 0101"
        expect(P.read([state["pid"]], ["phone"])[0]["phone"] == "+1 555 0101", "assignment not written")
        child = P.create({"name": "Fidelity Contact", "parent_id": state["pid"]})
        state["more"].append(child)
        c = P.browse(child)
        expect(c.parent_id.id == state["pid"], "parent_id %r" % c.parent_id)
        expect(c.parent_id.name == "OdooRPC Fidelity", "parent name %r" % c.parent_id.name)
        expect(c.display_name == "OdooRPC Fidelity, Fidelity Contact", "display_name %r" % c.display_name)
        expect(child in P.browse(state["pid"]).child_ids.ids, "child_ids %r" % P.browse(state["pid"]).child_ids.ids)

    @check("name_search finds the new record")
    def _():
        found = state["Partner"].name_search("OdooRPC Fidel")
        expect(any(r[0] == state["pid"] for r in found), "name_search %r" % found)

    @check("follow many2one links: env.user.company_id, a partner's country_id, order lines' products")
    def _():
        env = state["odoo"].env
        company = env.user.company_id
        expect(company.id and isinstance(company.name, str) and company.name, "company %r" % company)
        P = state["Partner"]
        with_country = P.search([("country_id", "!=", False)], limit=1)
        expect(with_country, "no partner with a country")
        country = P.browse(with_country[0]).country_id
        expect(isinstance(country.name, str) and country.name, "country %r" % country.name)
        orders = env["sale.order"].search([], limit=3)
        expect(orders, "no sale order")
        for order in env["sale.order"].browse(orders):
            expect(order.partner_id.name, "order %d partner %r" % (order.id, order.partner_id))
            for line in order.order_line:
                expect(line.order_id.id == order.id, "line %d order %r" % (line.id, line.order_id))
                expect(isinstance(line.product_id.name, str), "line %d product" % line.id)

    @check("a company's one2many: every child_ids record can be read")
    def _():
        P = state["Partner"]
        companies = P.search([("is_company", "=", True), ("child_ids", "!=", False)], limit=5)
        expect(companies, "no company with contacts")
        for company in P.browse(companies):
            children = company.child_ids
            expect(children.ids, "company %d has no children" % company.id)
            expect(all(isinstance(c.name, str) for c in children), "children of %d" % company.id)

    @check("env.ref('base.main_company') (ir.model.data.check_object_reference); an unknown one fails")
    def _():
        env = state["odoo"].env
        main = env.ref("base.main_company")
        expect(main._name == "res.company" and main.id == env.user.company_id.id, "main_company %r" % main)
        admin = env.ref("base.user_admin")
        expect(admin._name == "res.users" and admin.login == args.login, "user_admin %r" % admin)
        try:
            env.ref("base.no_such_external_id")
        except RPCError as exc:
            expect(rpc_error_name(exc) == "builtins.ValueError", "error %r" % rpc_error_name(exc))
            expect("External ID not found in the system: base.no_such_external_id" in str(exc), str(exc))
        else:
            raise AssertionError("an unknown external id was found")

    @check("env.ref of base's standard external ids: language, module, rate, action, group")
    def _():
        env = state["odoo"].env
        lang = env.ref("base.lang_en")
        expect(lang._name == "res.lang" and lang.code == "en_US", "lang_en %r" % lang)
        module = env.ref("base.module_base")
        expect(module._name == "ir.module.module" and module.name == "base", "module_base %r" % module)
        expect(module.state == "installed", "base state %r" % module.state)
        expect(base64.b64decode(module.icon_image.encode("ascii")), "icon_image %r" % module.icon_image)
        rate = env.ref("base.rateUSD")
        expect(rate._name == "res.currency.rate" and rate.currency_id.name == "USD", "rateUSD %r" % rate)
        action = env.ref("base.action_partner_form")
        expect(action._name == "ir.actions.act_window" and action.res_model == "res.partner", "action %r" % action)
        expect(env.ref("base.group_user")._name == "res.groups", "group_user")
        Country = env["res.country"]
        de = Country.search([("code", "=", "DE")])
        expect(de == [env.ref("base.de").id] and Country.browse(de).name == "Germany", "DE %r" % de)

    @check("technical models: ir.cron records, ir.actions.actions 1, a second company, module text fields")
    def _():
        env = state["odoo"].env
        expect(env["ir.cron"].search([]), "no ir.cron record")
        expect(env["ir.actions.actions"].browse(1).name, "no ir.actions.actions 1")
        companies = env.user.company_ids
        expect(len(companies) >= 2 and all(c.name for c in companies), "company_ids %r" % companies)
        Module = env["ir.module.module"]
        sale = Module.browse(Module.search([("name", "=", "sale")]))
        expect(isinstance(sale.views_by_module, str) and sale.views_by_module, "views_by_module")

    @check("report.list() names the reports of the installed apps (ir.actions.report)")
    def _():
        reports = state["odoo"].report.list()
        expect("account.move" in reports, "no account.move report: %r" % sorted(reports))
        names = [r["report_name"] for r in reports["account.move"]]
        expect("account.report_invoice" in names, "account.move reports %r" % names)
        expect("sale.order" in reports and "stock.picking" in reports, "reports %r" % sorted(reports))

    @check("base.language.install: lang_install activates the language")
    def _():
        env = state["odoo"].env
        Lang = env["res.lang"]
        fr = Lang.with_context(active_test=False).search([("code", "=", "fr_FR")])
        expect(fr, "no fr_FR language")
        wizard = env["base.language.install"].create({"lang_ids": [(6, 0, fr)]})
        env["base.language.install"].browse(wizard).lang_install()
        expect(Lang.search([("code", "=", "fr_FR")]) == fr, "fr_FR not active")

    @check("a duplicate login is refused: ValidationError from the unique constraint")
    def _():
        try:
            state["odoo"].env["res.users"].create({"name": "OdooRPC Duplicate", "login": args.login})
        except RPCError as exc:
            expect(rpc_error_name(exc) == "odoo.exceptions.ValidationError", "error %r" % rpc_error_name(exc))
            expect("The operation cannot be completed:" in str(exc), str(exc))
        else:
            raise AssertionError("a second user with the same login was created")

    @check("odoo.http('web/binary/company_logo') answers an image")
    def _():
        response = state["odoo"].http("web/binary/company_logo")
        data = response.read()
        expect(data.startswith(b"\x89PNG") or data.startswith(b"\xff\xd8"), "logo bytes %r" % data[:8])

    @check("with_context(active_test=False) sees archived records too")
    def _():
        P = state["Partner"]
        pid = P.create({"name": "OdooRPC Archived"})
        P.browse(pid).action_archive()
        expect(P.search([("id", "=", pid)]) == [], "archived record found by default")
        found = P.with_context(active_test=False).search([("id", "=", pid)])
        expect(found == [pid], "with active_test=False: %r" % found)
        P.unlink([pid])

    @check("odoo.execute (service object, method execute) with positional arguments")
    def _():
        n = state["odoo"].execute("res.partner", "search_count", [("id", "=", state["pid"])])
        expect(n == 1, "search_count %r" % n)

    @check("unlink answers True and the records are gone")
    def _():
        P = state["Partner"]
        ok = P.unlink([state["pid"]] + state["more"])
        expect(ok is True, "unlink answered %r" % (ok,))
        left = P.search([("id", "in", [state["pid"]] + state["more"])])
        expect(left == [], "left %r" % left)

    @check("an unknown field on create is Odoo's ValueError")
    def _():
        try:
            state["Partner"].create({"name": "x", "no_such_field": 1})
        except RPCError as exc:
            expect(rpc_error_name(exc) == "builtins.ValueError", "error %r" % rpc_error_name(exc))
            expect("no_such_field" in str(exc), "message %r" % str(exc))
        else:
            raise AssertionError("create with an unknown field succeeded")

    @check("a wrong password: login refused")
    def _():
        odoo = odoorpc.ODOO(args.host, port=args.port, timeout=30)
        try:
            odoo.login(args.db, args.login, "definitely-not-the-password")
        except RPCError as exc:
            expect("Wrong login ID or password" in str(exc), "message %r" % str(exc))
        else:
            raise AssertionError("login with a wrong password succeeded")

    @check("a wrong password on execute_kw: odoo.exceptions.AccessDenied")
    def _():
        odoo = state["odoo"]
        try:
            odoo.json(
                "/jsonrpc",
                {
                    "service": "object",
                    "method": "execute_kw",
                    "args": [args.db, odoo.env.uid, "wrong", "res.partner", "search", [[]]],
                },
            )
        except RPCError as exc:
            expect(rpc_error_name(exc) == "odoo.exceptions.AccessDenied", "error %r" % rpc_error_name(exc))
        else:
            raise AssertionError("execute_kw with a wrong password succeeded")

    @check("an access error: the demo user reading ir.config_parameter")
    def _():
        odoo = odoorpc.ODOO(args.host, port=args.port, timeout=30)
        odoo.login(args.db, args.demo_login, args.demo_password)
        expect(odoo.env.uid != state["odoo"].env.uid, "demo uid %r" % odoo.env.uid)
        try:
            odoo.env["ir.config_parameter"].search_read([], ["key"])
        except RPCError as exc:
            expect(rpc_error_name(exc) == "odoo.exceptions.AccessError", "error %r" % rpc_error_name(exc))
            expect("ir.config_parameter" in str(exc), "message %r" % str(exc))
        else:
            raise AssertionError("the demo user read ir.config_parameter")

    @check("logout")
    def _():
        state["odoo"].logout()
        expect(state["odoo"]._env is None, "still logged in")

    for name, fn in CHECKS:
        try:
            fn()
        except KeyError as exc:
            if exc.args and exc.args[0] in ("odoo", "Partner", "pid", "more"):
                FAILED.append(name)
                print("skip %s (needs an earlier check that failed)" % name)
                continue
            FAILED.append(name)
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
        print("odoorpc_check: %d of %d checks failed" % (len(FAILED), total))
        return 1
    print("odoorpc_check: all %d checks ok (OdooRPC %s)" % (total, getattr(odoorpc, "__version__", "?")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
