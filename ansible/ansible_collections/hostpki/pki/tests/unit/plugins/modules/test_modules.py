# -*- coding: utf-8 -*-
# Copyright (c) hostpki contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0
"""The modules' own logic, run in this process with a stand-in hostpki (a shell script printing
what a real one prints), and their documentation checked against their argument specs as
ansible-test's validate-modules does. Run with the Python that runs Ansible:

    python3 -m unittest discover -s tests/unit -t tests/unit     (in the collection's folder)

or with ansible-test units. hostpki.pki.store with the real hostpki: the Java project's
AnsiblePlaybookIT."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import contextlib
import importlib
import io
import json
import os
import shutil
import stat
import sys
import tempfile
import unittest

import yaml

# The folder holding ansible_collections/, so that the modules' imports resolve to this checkout.
COLLECTIONS = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 7))
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)

from ansible.module_utils import basic  # noqa: E402
from ansible.module_utils.common import warnings as ansible_warnings  # noqa: E402

MODULES = ["store", "sign", "revoke"]
PACKAGE = "ansible_collections.hostpki.pki.plugins.modules."

# A stand-in hostpki: records its arguments in FOLDER/SUB.args (and the desired state it was given
# in FOLDER/SUB.config),
# prints FOLDER/SUB.out (@CONFIG@ in it replaced by the -f FILE it was given, as hostpki names its
# desired state) and FOLDER/SUB.err, exits with FOLDER/SUB.rc (default 0).
FAKE = r"""#!/bin/sh
d=$(dirname "$0")
sub=$1
printf '%s\n' "$@" > "$d/$sub.args"
[ "$2" = -f ] && [ -f "$3" ] && cp "$3" "$d/$sub.config"
[ -f "$d/$sub.out" ] && sed "s|@CONFIG@|$3|g" "$d/$sub.out"
[ -f "$d/$sub.err" ] && cat "$d/$sub.err" >&2
exit $(cat "$d/$sub.rc" 2>/dev/null || echo 0)
"""

PLAN = {"format_version": "2", "basis": "0" * 64, "changes": [], "warnings": [], "errors": [],
        "summary": {"create": 0, "replace": 0, "update": 0, "delete": 0, "unchanged": 4},
        "changes_pending": False, "hold": None, "hooks_pending": []}
APPLIED = {"format_version": "1", "changed": False, "check": False, "generation": None, "plan": PLAN,
           "hooks_ran": [], "hook_error": None, "held_by_rollback": None, "released_hold": None, "notices": []}
STATUS = {"format_version": "1", "store": "/srv/pki", "files": [{"name": "ca.crt", "path": "/srv/pki/ca.crt"}],
          "ca": {"file": "/srv/pki/ca.crt", "subject": "CN=CA", "sha256": "ab" * 32,
                 "not_after": "2036-12-03T22:08:33Z", "dns_names": [], "ip_addresses": []},
          "server": None, "trusted": []}


class Exited(Exception):
    """exit_json or fail_json was called: `result` is what the module printed."""

    def __init__(self, result):
        Exception.__init__(self, result)
        self.failed = result.get("failed", False)
        self.result = result


class ModuleTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hostpki-module-test-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.hostpki = os.path.join(self.dir, "hostpki")
        with open(self.hostpki, "w") as f:
            f.write(FAKE)
        os.chmod(self.hostpki, 0o755)
        del ansible_warnings._global_warnings[:]

    def answer(self, sub, out="", rc=0, err=""):
        """What the stand-in prints for the subcommand `sub`."""
        for suffix, content in (("out", out if isinstance(out, str) else json.dumps(out)), ("err", err),
                                ("rc", str(rc))):
            with open(os.path.join(self.dir, "%s.%s" % (sub, suffix)), "w") as f:
                f.write(content)

    def arguments(self, sub):
        with open(os.path.join(self.dir, sub + ".args")) as f:
            return f.read().splitlines()

    def run_module(self, name, **args):
        args.setdefault("executable", self.hostpki)
        args.setdefault("_ansible_tmpdir", self.dir)
        args.setdefault("_ansible_no_log", True)  # nothing to the host's syslog
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")
        self.addCleanup(setattr, basic, "_ANSIBLE_ARGS", None)
        del ansible_warnings._global_warnings[:]
        module = importlib.import_module(PACKAGE + name)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), self.assertRaises(SystemExit):
            module.main()
        return Exited(json.loads(printed.getvalue()))


class StoreTest(ModuleTestCase):
    DESIRED = {"apiVersion": "hostpki/v1", "store": {"path": "/srv/pki"}}

    def test_become_desiredStateIsWrittenWhereOnlyTheRunningUserCanChangeIt(self):
        # A task with become: Ansible's temporary folder belongs to the login user, whom hostpki
        # rightly distrusts (StrictModes) - that user could swap the desired state under it.
        if os.geteuid() != 0:
            self.skipTest("needs root to make a folder another user owns")
        login_users = os.path.join(self.dir, "login-user-tmp")
        os.mkdir(login_users, 0o700)
        os.chown(login_users, 4242, 4242)
        self.answer("apply", APPLIED)
        self.answer("status", STATUS)

        result = self.run_module("store", desired=self.DESIRED, _ansible_tmpdir=login_users).result

        written = self.arguments("apply")[2]
        self.assertFalse(written.startswith(login_users + "/"), written)
        from ansible_collections.hostpki.pki.plugins.module_utils.hostpki import only_yours
        self.assertTrue(only_yours(os.path.dirname(written)), written)
        with open(os.path.join(self.dir, "apply.config")) as f:
            self.assertEqual(json.load(f), self.DESIRED)
        self.assertFalse(os.path.exists(written), "the temporary desired state is removed")
        self.assertEqual(result["store"], "/srv/pki")

    def test_onlyYours_refusesAnotherUsersFolderAndOneOthersMayWrite(self):
        from ansible_collections.hostpki.pki.plugins.module_utils.hostpki import only_yours
        mine = os.path.join(self.dir, "mine")
        os.mkdir(mine, 0o700)
        self.assertTrue(only_yours(mine))
        os.chmod(mine, 0o777)
        self.assertFalse(only_yours(mine))
        os.chmod(mine, 0o777 | stat.S_ISVTX)
        self.assertTrue(only_yours(mine), "sticky, like /tmp")

    def test_notices_ofTheApplyAreWarnings(self):
        notice = "the hooks ran, but recording that failed (disk full \x1b[2J); the next apply runs them again"
        self.answer("apply", dict(APPLIED, changed=True, notices=[notice]))
        self.answer("status", STATUS)

        result = self.run_module("store", desired=self.DESIRED).result

        self.assertEqual(result["warnings"], [notice.replace("\x1b", "\\x1b")])

    def test_exit3_aHookAndAnInstallTargetThatFailedTogether_areBothInTheMessage(self):
        # rvcore14: on exit 3 the message was the hook's error alone, and install_errors was not
        # returned, so a trust.install target that failed alone was never said.
        target = "install/java:/opt/app/cacerts: locked by process 4242 (user app, \x1b[2J)"
        self.answer("apply", dict(APPLIED, changed=True, hook_error="afterServerChange exited 1",
                                  install_errors=[target]), rc=3)
        self.answer("status", STATUS)

        exited = self.run_module("store", desired=self.DESIRED)

        self.assertTrue(exited.failed)
        self.assertEqual(exited.result["msg"].splitlines(),
                         ["afterServerChange exited 1", target.replace("\x1b", "\\x1b")])
        self.assertEqual(exited.result["install_errors"], [target.replace("\x1b", "\\x1b")])

    def test_installFailures_ofTheStatusAreInTheResultWithTheirLastFailure(self):
        # finstall15b: the install record's failure (when, how often, the tool's words) reached
        # status and the metrics, but not the module's result.
        error = "install/java:/opt/app/cacerts: locked by process 4242 (\x1b[2J)"
        failure = {"since": "2026-12-07T15:21:14Z", "at": "2026-12-07T16:21:14Z", "attempts": 2, "error": [error]}
        status = dict(STATUS, installed=[
            {"target": "java:/opt/app/cacerts", "named": True, "entries": [], "last_failure": failure},
            {"target": "nss:/home/app/.pki/nssdb", "named": True, "entries": []}])
        self.answer("apply", dict(APPLIED, install_errors=[error], status=status), rc=3)

        exited = self.run_module("store", desired=self.DESIRED)

        self.assertTrue(exited.failed)
        self.assertEqual(exited.result["install_failures"], [{"target": "java:/opt/app/cacerts", "last_failure": dict(
            failure, error=[error.replace("\x1b", "\\x1b")])}])

    def test_noticesAndPlanWarnings_bothReachWarnings(self):
        plan = dict(PLAN, warnings=[{"code": "trust-expiring", "subject": "trust/ldap", "message": "expires soon"}])
        self.answer("apply", dict(APPLIED, plan=plan, notices=["a tidy-up failed"]))
        self.answer("status", STATUS)

        result = self.run_module("store", desired=self.DESIRED).result

        self.assertEqual(result["warnings"], ["trust/ldap: expires soon", "a tidy-up failed"])

    def test_outsideText_inTheModulesOwnMessagesIsEscaped(self):
        missing = self.run_module("store", desired=self.DESIRED, executable="/nope/\x1b]0;owned\x07").result
        self.assertEqual(missing["msg"], "hostpki executable /nope/\\x1b]0;owned\\x07 does not exist or is not"
                         " executable on the target")
        unknown = self.run_module("sign", config="/c.yaml", csr="-----BEGIN", executable="hostpki-\x1b[31m").result
        self.assertIn("'hostpki-\\x1b[31m' not found on PATH", unknown["msg"])
        chdir = self.run_module("store", desired=self.DESIRED, chdir="/nope/\x1b[2J").result
        self.assertEqual(chdir["msg"], "chdir /nope/\\x1b[2J is not a directory on the target")
        relative = self.run_module("store", desired={"apiVersion": "hostpki/v1", "store": {"path": "p\x1b[2J"}}).result
        self.assertTrue(relative["msg"].endswith("make them absolute: store.path (p\\x1b[2J)"), relative["msg"])

    def test_aSecretInTheDesiredStateItself_isRefusedAndMaskedEverywhere(self):
        # A vault value where its source belongs: hostpki's refusal quotes it, Ansible shows the arguments.
        desired = {"apiVersion": "hostpki/v1",
                   "store": {"path": "/srv/pki", "password": "vault-Pa55-1"},
                   "server": {"acme": {"externalAccountBinding": {"keyId": "k", "hmacKey": {"env": "EAB"}}}},
                   "outputs": [{"format": "pkcs12", "file": "a.p12", "password": "none"},
                               {"format": "pkcs12", "file": "b.p12", "password": "vault-Pa55-2"}]}

        result = self.run_module("store", desired=desired).result

        self.assertEqual(result["msg"], "desired: store.password holds a secret itself, where a desired state names"
                         " only its source: write {env: NAME} there and hand the value over with secrets: {NAME: ...}"
                         " (no_log), or {file: PATH}; outputs[1].password holds a secret; an output's password is"
                         " only none (without it the file is protected with store.password)")
        self.assertNotIn("vault-Pa55", json.dumps(result))
        self.assertEqual(result["invocation"]["module_args"]["desired"]["store"]["password"],
                         "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER")
        self.assertFalse(os.path.exists(os.path.join(self.dir, "apply.args")), "hostpki never ran")

    def test_aSecretInTheDesiredState_isMaskedInEveryFailure(self):
        # Before hostpki runs (not installed yet, a bad chdir) and in hostpki's own refusal, which
        # quotes a vault value put as {env: VALUE}; in any form at a secret's place.
        literal = dict(self.DESIRED, store={"path": "/srv/pki", "password": "vault-Pa55-1"})
        as_list = dict(self.DESIRED, store={"path": "/srv/pki", "password": ["vault-Pa55-3"]})
        as_env = dict(self.DESIRED, store={"path": "/srv/pki", "password": {"env": "vault-Pa55-2"}})
        self.answer("apply", rc=1, err="desired:4:14: error: store.password.env 'vault-Pa55-2' is not an environment"
                    " variable name\n")
        for args in (dict(desired=literal, executable="/nope/hostpki"), dict(desired=literal, chdir="/nope"),
                     dict(desired=as_list), dict(desired=as_env)):
            result = self.run_module("store", **args).result
            self.assertTrue(result["failed"], args)
            self.assertNotIn("vault-Pa55", json.dumps(result), args)
        self.assertIn("store.password.env '********' is not", result["msg"])

    def test_secretInAVariableHostpkiRunsBy_isRefusedBeforeHostpkiRuns(self):
        # PATH would leave the launcher without dirname (exit 127); JAVA_TOOL_OPTIONS hands the JVM options.
        for name in ("PATH", "JAVA_TOOL_OPTIONS", "LC_ALL", "LD_AUDIT", "NO_COLOR"):
            desired = dict(self.DESIRED, store={"path": "/srv/pki", "password": {"env": name}})
            result = self.run_module("store", desired=desired, secrets={name: "s3cret"}).result
            self.assertEqual(result["msg"], "secrets: %s is a variable hostpki itself runs by (and its hooks): a secret"
                             " there would replace it; keep the secret in a variable of its own, e.g. HOSTPKI_PASSWORD,"
                             " and name that in the desired state ({env: HOSTPKI_PASSWORD})" % name)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "apply.args")))

    def test_aSecretNoEnvironmentVariableCanCarry_isRefusedByNameBeforeHostpkiRuns(self):
        # Trial (tansible17): a NUL failed the task with "embedded null byte" (a traceback under -vvv),
        # 128 KiB with "[Errno 7] Argument list too long: b'.../hostpki'"; neither named the secret.
        desired = dict(self.DESIRED, store={"path": "/srv/pki", "password": {"env": "HOSTPKI_PASSWORD"}})
        for value, expected in (("s3c\0ret", "secrets: HOSTPKI_PASSWORD holds a NUL character"),
                                ("x" * 131055, "secrets: HOSTPKI_PASSWORD is 131072 bytes long; Linux hands a"
                                               " program an environment variable of at most 131071 bytes")):
            result = self.run_module("store", desired=desired, secrets={"HOSTPKI_PASSWORD": value}).result
            self.assertTrue(result["msg"].startswith(expected), result["msg"][:200])
            self.assertNotIn("s3c", result["msg"])
        self.assertFalse(os.path.exists(os.path.join(self.dir, "apply.args")))
        self.answer("apply", APPLIED)
        self.answer("status", STATUS)
        self.assertFalse(self.run_module("store", desired=desired, secrets={"HOSTPKI_PASSWORD": "x" * 131054}).failed)

    def test_inlineDesiredState_leavesOutTheWarningThatAnotherInlineOneWroteTheStoreLast(self):
        # Each run's inline desired state is a new temporary file: hostpki's record names the last
        # one, so every run that changes the store warned of "another desired-state file".
        def other(writer):
            return {"code": "other-desired-state", "subject": "store",
                    "message": "store /srv/pki was last written from another desired-state file, %s; this plan, from"
                    " @CONFIG@, changes it. Two files naming one store.path undo each other's changes" % writer}
        inline = other("/root/.ansible/tmp/ansible-tmp-1796-1/.hostpki-desired-6s_foxf_.json")
        timer = other("/etc/hostpki/host.yaml")
        trust = {"code": "trust-expiring", "subject": "trust/ldap", "message": "expires soon"}
        self.answer("apply", dict(APPLIED, changed=True, plan=dict(PLAN, warnings=[inline, trust])))
        self.answer("status", STATUS)

        result = self.run_module("store", desired=self.DESIRED).result

        self.assertEqual(result["warnings"], ["trust/ldap: expires soon"])
        self.assertEqual(result["plan"]["warnings"], [trust])
        # Another file than an inline desired state keeps it, as does a run from a file.
        self.answer("apply", dict(APPLIED, changed=True, plan=dict(PLAN, warnings=[timer])))
        self.assertIn("another desired-state file, /etc/hostpki/host.yaml; this plan, from desired,",
                      self.run_module("store", desired=self.DESIRED).result["warnings"][0])
        self.answer("apply", dict(APPLIED, changed=True, plan=dict(PLAN, warnings=[inline])))
        self.assertIn("another desired-state file, /root/.ansible/tmp/ansible-tmp-1796-1/.hostpki-desired-6s_foxf_.json;"
                      " this plan, from /etc/hostpki/host.yaml,",
                      self.run_module("store", config="/etc/hostpki/host.yaml").result["warnings"][0])

    def test_twoTasksOnOneStore_warnNamingBothAndOneEditedTaskDoesNot(self):
        # Trial: two tasks of one play with inline desired states naming one store.path rewrote it
        # back and forth on every run, each reporting changed, and nothing said why: the warning
        # that another (inline) desired state wrote the store last was left out, as for one task
        # whose desired state was edited. The action plugin now hands the module the task's place.
        first = {"file": "site.yml", "line": "12", "name": "first"}
        second = {"file": "site.yml", "line": "20", "name": "second \x1b[31m"}
        self.answer("apply", dict(APPLIED, changed=True))
        self.answer("status", STATUS)
        self.run_module("store", desired=self.DESIRED, _task=first)
        written_by_first = self.arguments("apply")[2]
        self.assertRegex(os.path.basename(written_by_first), r"^\.hostpki-desired-site\.yml:first~[0-9a-f]{10}~[^/]*\.json$")

        def after(writer):
            return {"code": "other-desired-state", "subject": "store",
                    "message": "store /srv/pki was last written from another desired-state file, %s; this plan, from"
                    " @CONFIG@, changes it. Two files naming one store.path undo each other's changes" % writer}
        self.answer("apply", dict(APPLIED, changed=True, plan=dict(PLAN, warnings=[after(written_by_first)])))
        result = self.run_module("store", desired=self.DESIRED, _task=second).result
        self.assertEqual(len(result["warnings"]), 1, result)
        self.assertEqual(result["warnings"][0], result["plan"]["warnings"][0]["subject"] + ": "
                         + result["plan"]["warnings"][0]["message"])
        self.assertIn("store /srv/pki was last written by another task's inline desired state (site.yml:first),"
                      " which differs from this task's (site.yml:second_31m): the two tasks undo each other's"
                      " changes", result["warnings"][0])
        self.assertIn("merge the two desired states into one task, or give one of them another store.path",
                      result["warnings"][0])
        # The same task, edited (a named task keeps its key when lines above it change): no warning.
        moved = dict(first, line="40")
        self.assertEqual(self.run_module("store", desired=self.DESIRED, _task=moved).result["warnings"], [])
        # Without the task's place (the module run without its action plugin): left out, as before.
        self.assertEqual(self.run_module("store", desired=self.DESIRED).result["warnings"], [])

    def test_twoInventoryHostsThatAreOneMachine_warnNamingBothAndOneHostAgainDoesNot(self):
        # Trial (tansible17): two inventory hosts with connection local (one machine under two names)
        # whose one task named one store.path with host-specific settings rewrote it on every run,
        # both changed, with no warning: the task's key was the same for both, as for one task edited.
        alpha = {"file": "site.yml", "line": "4", "name": "pki", "occurrence": 1, "host": "alpha"}
        beta = dict(alpha, host="beta\x1b[31m")
        self.answer("apply", dict(APPLIED, changed=True))
        self.answer("status", STATUS)
        self.run_module("store", desired=self.DESIRED, _task=alpha)
        written_by_alpha = self.arguments("apply")[2]
        self.assertRegex(os.path.basename(written_by_alpha),
                         r"^\.hostpki-desired-site\.yml:pki~[0-9a-f]{10}~alpha~[^/~]*\.json$")

        def after(writer):
            return {"code": "other-desired-state", "subject": "store",
                    "message": "store /srv/pki was last written from another desired-state file, %s; this plan, from"
                    " @CONFIG@, changes it." % writer}
        self.answer("apply", dict(APPLIED, changed=True, plan=dict(PLAN, warnings=[after(written_by_alpha)])))
        warnings = self.run_module("store", desired=self.DESIRED, _task=beta).result["warnings"]
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("store /srv/pki was last written by this task (site.yml:pki) for another inventory host"
                      " (alpha), with a desired state that differs from this host's (beta_31m+", warnings[0])
        self.assertIn("Give each host its own store.path, or list the machine once in the inventory", warnings[0])
        # The same host again (its desired state edited), or a file an older module wrote: no warning.
        self.assertEqual(self.run_module("store", desired=self.DESIRED, _task=alpha).result["warnings"], [])
        older = written_by_alpha.replace("~alpha~", "~")
        self.answer("apply", dict(APPLIED, changed=True, plan=dict(PLAN, warnings=[after(older)])))
        self.assertEqual(self.run_module("store", desired=self.DESIRED, _task=beta).result["warnings"], [])

    def test_inventoryNamesAlikeInTheirSafeLetters_areTwoHosts(self):
        # rvsec17 L2: the host's label was its safe letters cut to 32, so a/b and a_b (or two long
        # names that start alike) were one host: the warning of two inventory hosts writing one store
        # was left out as one host's desired state edited. A digest of the whole name tells them apart;
        # a safe short name stays as it was, and a file an older module wrote still matches.
        store = importlib.import_module(PACKAGE + "store")
        task = {"file": "site.yml", "line": "4", "name": "pki", "occurrence": 1}
        slash, underscore = (store.task_key(dict(task, host=h))[2] for h in ("a/b", "a_b"))
        long_one, long_two = (store.task_key(dict(task, host="web-" + "x" * 40 + n))[2] for n in ("1", "2"))
        self.assertEqual(underscore, "a_b")
        self.assertRegex(slash, r"^a_b\+[0-9a-f]{8}$")
        self.assertNotEqual(long_one, long_two)
        self.assertFalse(store.same_host(slash, underscore), "a file written for a/b, this run for a_b")
        self.assertFalse(store.same_host(long_one, long_two))
        # a_b's file read by a/b's run is taken for a file an older module wrote for a/b: no warning
        self.assertTrue(store.same_host("a_b", slash), "a file an older module wrote for a/b")
        self.assertTrue(store.same_host(slash, slash))
        self.assertEqual(store.task_key(dict(task, host="alpha"))[2], "alpha")

        self.answer("apply", dict(APPLIED, changed=True))
        self.answer("status", STATUS)
        self.run_module("store", desired=self.DESIRED, _task=dict(task, host="a/b"))
        written = self.arguments("apply")[2]
        self.assertIn("~a_b+", os.path.basename(written))
        warning = {"code": "other-desired-state", "subject": "store",
                   "message": "store /srv/pki was last written from another desired-state file, %s; this plan, from"
                   " @CONFIG@, changes it." % written}
        self.answer("apply", dict(APPLIED, changed=True, plan=dict(PLAN, warnings=[warning])))
        warnings = self.run_module("store", desired=self.DESIRED, _task=dict(task, host="a_b")).result["warnings"]
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("for another inventory host (a_b+", warnings[0])

    def test_twoTasksOfOneNameInOneFile_areTwoTasks(self):
        # Found by reading: the key was the task's file and name, so two tasks of one name in one
        # file (a copied play) shared it, and their fight over one store was left out as one task
        # edited. The action plugin numbers them; the first keeps the key it had.
        first = {"file": "site.yml", "line": "12", "name": "pki", "occurrence": 1}
        copy = {"file": "site.yml", "line": "40", "name": "pki", "occurrence": 2}
        store = importlib.import_module(PACKAGE + "store")
        self.assertEqual(store.task_key(first), store.task_key({"file": "site.yml", "line": "3", "name": "pki"}))
        self.assertNotEqual(store.task_key(first)[1], store.task_key(copy)[1])
        self.assertEqual(store.task_key(copy)[0], "site.yml:pki_2")
        self.answer("apply", dict(APPLIED, changed=True))
        self.answer("status", STATUS)
        self.run_module("store", desired=self.DESIRED, _task=first)
        writer = self.arguments("apply")[2]
        self.answer("apply", dict(APPLIED, changed=True, plan=dict(PLAN, warnings=[{
            "code": "other-desired-state", "subject": "store",
            "message": "store /srv/pki was last written from another desired-state file, %s; this plan, from"
                       " @CONFIG@, changes it." % writer}])))
        self.assertIn("another task's inline desired state (site.yml:pki), which differs from this task's"
                      " (site.yml:pki_2)", self.run_module("store", desired=self.DESIRED, _task=copy).result["warnings"][0])

    def test_occurrence_numbersTasksOfOneNameInTheirFile(self):
        action = importlib.import_module("ansible_collections.hostpki.pki.plugins.action.store")
        playbook = os.path.join(self.dir, "site.yml")
        with open(playbook, "w") as f:
            f.write("- hosts: web\n  tasks:\n    - name: pki\n      hostpki.pki.store: {desired: {}}\n"
                    "    - name: other\n      debug: {}\n"
                    "- hosts: db\n  tasks:\n    - name: pki\n      hostpki.pki.store: {desired: {}}\n")
        self.assertEqual(action.occurrence(playbook, "pki", "3"), 1)
        self.assertEqual(action.occurrence(playbook, "pki", "9"), 2)
        self.assertEqual(action.occurrence(playbook, "other", "5"), 1)
        # unknown: a templated name, a line that starts no such task, a file that is gone or no YAML
        self.assertEqual(action.occurrence(playbook, "{{ name }}", "9"), 1)
        self.assertEqual(action.occurrence(playbook, "pki", "4"), 1)
        self.assertEqual(action.occurrence(os.path.join(self.dir, "gone.yml"), "pki", "9"), 1)
        with open(playbook, "w") as f:
            f.write("- name: [unclosed\n")
        self.assertEqual(action.occurrence(playbook, "pki", "1"), 1)

    def test_actionPlugin_runsATaskWithAsyncAndOneInCheckMode(self):
        # Trial (tansible17): `async: 120` (poll or fire-and-forget) failed every task with "async is
        # not supported for this task": ActionBase.__init__ sets _supports_async = False on the instance.
        action = importlib.import_module("ansible_collections.hostpki.pki.plugins.action.store")

        class Stub(object):
            def __init__(self, **values):
                self.__dict__.update(values)

        for async_val, check_mode in ((120, False), (0, True)):
            task = Stub(args={"config": "/etc/hostpki/host.yaml"}, async_val=async_val, check_mode=check_mode,
                        action="hostpki.pki.store", resolved_action="hostpki.pki.store", name="pki",
                        get_path=lambda: "site.yml:3")
            connection = Stub(has_native_async=False, _shell=Stub(tmpdir="/tmp/ansible-tmp-x"))
            plugin = action.ActionModule(task, connection, None, None, None, None)
            calls = []
            plugin._execute_module = lambda **kwargs: calls.append(kwargs) or {"changed": False}
            plugin._remove_tmp_path = lambda path: None
            result = plugin.run(task_vars={})
            self.assertNotIn("failed", result, result)
            self.assertEqual(calls[0]["wrap_async"], bool(async_val))
            self.assertEqual(calls[0]["module_name"], "hostpki.pki.store")

    def test_desiredFile_aCheckModePreviewOfTheFileAPlayWritesDoesNotWarnThatItWroteTheStore(self):
        # Trial: playbooks/fleet.yml --check previews with desired what its copy task writes to
        # host.yaml in a real run; check mode writes nothing, so hostpki warned that host.yaml (the
        # store's last writer, still its old content) was another desired-state file to remove.
        host_yaml = os.path.join(self.dir, "host.yaml")
        other = {"code": "other-desired-state", "subject": "store",
                 "message": "store /srv/pki was last written from another desired-state file, %s; this plan, from"
                 " @CONFIG@, changes it (the two files differ in host)." % host_yaml}
        self.answer("apply", dict(APPLIED, changed=True, plan=dict(PLAN, warnings=[other])), rc=2)
        self.answer("status", STATUS)

        result = self.run_module("store", desired=self.DESIRED, desired_file=host_yaml, _ansible_check_mode=True).result

        self.assertEqual(result["warnings"], [])
        self.assertEqual(result["plan"]["warnings"], [])
        # Another file than the one named keeps it.
        result = self.run_module("store", desired=self.DESIRED, desired_file=host_yaml + ".new",
                                 _ansible_check_mode=True).result
        self.assertEqual(len(result["warnings"]), 1, result)
        # Only with desired.
        failed = self.run_module("store", config=host_yaml, desired_file=host_yaml)
        self.assertTrue(failed.failed)
        self.assertIn("desired_file", failed.result["msg"])

    def test_aPathStartingWithTilde_isRefusedBeforeHostpkiRunsNotSentToChdir(self):
        # Trial: store.path ~/pki said "relative paths need chdir"; with chdir, hostpki made a
        # folder named ~ there (a warning an Ansible run easily misses). Ansible's own path options
        # expand ~, so a user expects it: say that hostpki does not.
        for chdir in (None, self.dir):
            for path in ("~/pki", "~", "~ops/pki"):
                args = dict(desired=dict(self.DESIRED, store={"path": path}))
                if chdir:
                    args["chdir"] = chdir
                result = self.run_module("store", **args)
                self.assertTrue(result.failed, path)
                self.assertEqual(result.result["msg"], "desired: a path starting with ~ is not expanded (hostpki runs no"
                                 " shell; it would name a folder '~' in chdir): write the full path, e.g."
                                 " \"{{ ansible_env.HOME }}/pki\": store.path (%s)" % path)
                self.assertFalse(result.result.get("changed"))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "apply.args")))

    def test_anEmptyPathOption_isRefusedByName(self):
        # Trial: config: "" failed with hostpki's usage error (exit 64, "or a hostpki older than this
        # module"), chdir: "" with "chdir  is not a directory".
        for option, other in (("config", {}), ("chdir", {"desired": self.DESIRED}),
                              ("desired_file", {"desired": self.DESIRED})):
            args = dict(other)
            args[option] = ""
            result = self.run_module("store", **args)
            self.assertTrue(result.failed, option)
            self.assertEqual(result.result["msg"], "%s is empty: give a path on the target, or leave %s out"
                             % (option, option))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "apply.args")))

    def test_theStoresFacts_comeWithTheApplyWithoutASecondHostpki(self):
        # Trial: every task started Java twice, hostpki apply and then hostpki status for the
        # store's paths and fingerprints; the apply prints them now (status, the store it leaves).
        self.answer("apply", dict(APPLIED, status={k: STATUS[k] for k in ("store", "files", "ca", "server", "trusted")}))

        result = self.run_module("store", desired=self.DESIRED).result

        self.assertFalse(os.path.exists(os.path.join(self.dir, "status.args")), "hostpki status did not run")
        self.assertEqual(result["ca"]["sha256"], "ab" * 32)
        self.assertEqual(result["files"], {"ca.crt": "/srv/pki/ca.crt"})
        # An older hostpki (no status in its apply): status, as before.
        self.answer("apply", APPLIED)
        self.answer("status", STATUS)
        self.assertEqual(self.run_module("store", desired=self.DESIRED).result["ca"]["sha256"], "ab" * 32)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "status.args")))

    def test_checkDiff_showsAPendingHook(self):
        # A hook that failed before is the only change: --diff said "changed" and showed nothing.
        hook = {"hook": "afterServerChange", "since": "2026-12-07T04:20:40Z", "changed": ["server", "output/web.pem"],
                "last_attempt": "2026-12-07T04:20:40Z", "last_error": "afterServerChange hook [nginx\x1b] exited",
                "expiring": None}
        expiring = {"hook": "onExpiring", "since": "2026-12-07T04:20:40Z", "changed": [], "last_attempt": None,
                    "last_error": None, "expiring": {"certificate": "server", "sha256": "ab" * 32,
                                                     "not_after": "2026-12-20T00:00:00Z", "within": "14d",
                                                     "reason": "no renewal before expiry"}}
        self.answer("apply", dict(APPLIED, check=True, plan=dict(PLAN, hooks_pending=[hook, expiring],
                                                                 changes_pending=True)), rc=2)
        self.answer("status", STATUS)

        result = self.run_module("store", desired=self.DESIRED, _ansible_check_mode=True, _ansible_diff=True).result

        self.assertTrue(result["changed"])
        self.assertEqual(result["diff"], [
            {"before_header": "hook/afterServerChange", "after_header": "hook/afterServerChange (run)", "before": "",
             "after": "# run: pending since 2026-12-07T04:20:40Z; the last attempt failed: afterServerChange hook"
             " [nginx\\x1b] exited\nchanged: server, output/web.pem\n"},
            {"before_header": "hook/onExpiring", "after_header": "hook/onExpiring (run)", "before": "",
             "after": "# run: pending since 2026-12-07T04:20:40Z\ncertificate: server\nnot_after: 2026-12-20T00:00:00Z\n"
             "reason: no renewal before expiry\nwithin: 14d\n"}])

    def test_aRollbacksHoldThatTheRunReleases_isAChangeInCheckModeAndInTheDiff(self):
        # Trial (tansible17): after hostpki rollback, a task without unattended said changed with an
        # empty --diff and no word of why (the hold's release), and its check mode said ok.
        hold = {"at": "2026-12-08T00:20:22Z", "from": "..2026_12_08_00_20_19.8", "to": "..2026_12_08_00_19_52.3"}
        released = {"before_header": "hold", "after_header": "hold (release)",
                    "before": "held by the rollback at 2026-12-08T00:20:22Z to generation ..2026_12_08_00_19_52.3:"
                              " unattended runs leave the store as it is\n",
                    "after": "# release: a person's run (not unattended) releases it; unattended runs apply again\n"}
        self.answer("status", STATUS)
        self.answer("apply", dict(APPLIED, check=True, plan=dict(PLAN, hold=hold)))
        check = self.run_module("store", desired=self.DESIRED, _ansible_check_mode=True, _ansible_diff=True).result
        self.assertTrue(check["changed"])
        self.assertEqual(check["diff"], [released])
        self.assertFalse(self.run_module("store", desired=self.DESIRED, unattended=True,
                                         _ansible_check_mode=True).result["changed"])
        self.answer("apply", dict(APPLIED, changed=True, released_hold=hold["at"], plan=dict(PLAN, hold=hold)))
        real = self.run_module("store", desired=self.DESIRED, _ansible_diff=True).result
        self.assertTrue(real["changed"])
        self.assertEqual(real["released_hold"], hold["at"])
        self.assertEqual(real["diff"], [released])

    def test_resultKeys_areDocumentedInReturn(self):
        change = {"address": "server", "action": "replace", "before": {"subject": "CN=a"}, "after": {"subject": "CN=a"},
                  "reasons": [{"code": "expiring", "message": "expires soon"}]}
        plan = dict(PLAN, changes=[change], changes_pending=True)
        self.answer("apply", dict(APPLIED, changed=True, generation="..2026", plan=plan, hooks_ran=["afterServerChange"]))
        self.answer("status", STATUS)

        result = self.run_module("store", desired=self.DESIRED, _ansible_diff=True).result

        documented = set(yaml.safe_load(importlib.import_module(PACKAGE + "store").RETURN)) | {"invocation", "diff",
                                                                                               "failed"}
        self.assertEqual(set(result) - documented, set())
        self.assertEqual(result["diff"][0]["after_header"], "server (replace)")


class SignRevokeTest(ModuleTestCase):
    CSR = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"

    def documented(self, name):
        return set(yaml.safe_load(importlib.import_module(PACKAGE + name).RETURN)) | {"invocation"}

    def test_signResultKeys_areDocumentedInReturn(self):
        self.answer("sign", {"changed": True, "chain": "-----BEGIN CERTIFICATE-----\n", "generation": "..2026",
                             "request": {"subject": "CN=m1", "dns_names": ["m1"], "ip_addresses": []},
                             "certificate": {"serial": "0A", "not_after": "2027-01-01T00:00:00Z", "sha256": "ab" * 32,
                                             "file": "/srv/ca/issued/0A.crt"},
                             "notes": ["a note \x1b[2J"]})

        result = self.run_module("sign", config="/c.yaml", csr=self.CSR).result

        self.assertEqual(set(result) - self.documented("sign") - {"warnings"}, set())
        self.assertEqual(result["record"], "/srv/ca/issued/0A.crt")
        self.assertEqual(result["warnings"], ["a note \\x1b[2J"])
        self.assertIn("--csr", self.arguments("sign"))

    def test_signNames_reachHostpkiOneByOne(self):
        # A member's names limit what its request may ask for (fleet trial: a member taken over
        # asked for another member's names).
        self.answer("sign", {"changed": False, "chain": "", "request": {}, "certificate": {}})

        self.run_module("sign", config="/c.yaml", csr=self.CSR, names=["web1.corp.example", "192.0.2.21"])

        arguments = self.arguments("sign")
        self.assertEqual([arguments[i + 1] for i, a in enumerate(arguments) if a == "--names"],
                         ["web1.corp.example", "192.0.2.21"])

    def test_signNames_anEmptyListOrNameIsRefusedNotTakenAsNoLimit(self):
        # fleet.yml review: names: [] added no --names, so a member's request was checked by
        # ca.policy alone - every name of the fleet.
        self.answer("sign", {"changed": True, "chain": "", "request": {}, "certificate": {}})

        for names in ([], ["web1.corp.example", " "]):
            failure = self.run_module("sign", config="/c.yaml", csr=self.CSR, names=names)

            self.assertTrue(failure.failed, names)
            self.assertIn("nothing was signed", failure.result["msg"])
        self.assertFalse(os.path.exists(os.path.join(self.dir, "sign.args")), "hostpki never ran")

    def test_signCsrBase64_isDecodedHereAndOneThatIsNotFailsTheTaskAlone(self):
        # fleet.yml signs in a loop on the CA host: b64decode in a template failed the whole loop
        # for one member's bad content.
        self.answer("sign", {"changed": False, "chain": "", "request": {}, "certificate": {}})

        bad = self.run_module("sign", config="/c.yaml", csr_base64="!not base64")
        self.assertTrue(bad.failed)
        self.assertIn("csr_base64 is not base64", bad.result["msg"])
        self.run_module("sign", config="/c.yaml", csr_base64=base64.b64encode(self.CSR.encode()).decode())

        arguments = self.arguments("sign")
        self.assertIn("--csr", arguments)

    def test_revokeResultKeys_areDocumentedInReturn(self):
        self.answer("revoke", {"changed": True, "already_revoked": False, "serial": "0A", "subject": "CN=m1",
                               "reason": "keyCompromise", "revocation_date": "2026-12-06T00:00:00Z",
                               "crl": {"number": "2", "next_update": "2026-12-13T00:00:00Z"},
                               "crl_pem": "-----BEGIN X509 CRL-----\n", "generation": "..2026"})

        result = self.run_module("revoke", config="/c.yaml", serial="0A", reason="keyCompromise").result

        self.assertEqual(set(result) - self.documented("revoke"), set())
        self.assertEqual(result["crl_number"], "2")


class LockedStoreTest(ModuleTestCase):
    LOCKED = ("store /srv/pki is locked by pid 7 (hostpki apply, since 2026-12-06T23:10:17Z) (waited 1s); wait for"
              " it or use --lock-timeout")

    def test_aStoreLockedByAnotherRun_namesTheTasksLockTimeout(self):
        self.answer("apply", {"format_version": "1", "command": "apply", "diagnostics": [
            {"severity": "error", "message": self.LOCKED, "file": None, "line": None, "column": None, "details": []}]},
            rc=1, err="error: " + self.LOCKED + "\n")
        result = self.run_module("store", config="/etc/hostpki/host.yaml", lock_timeout="1s").result
        self.assertEqual(result["msg"], "error: " + self.LOCKED.replace(
            "use --lock-timeout", "raise the task's lock_timeout (now 1s)"))

        self.answer("sign", "", rc=1, err="error: " + self.LOCKED + "\n")
        result = self.run_module("sign", config="/c.yaml", csr="-----BEGIN CERTIFICATE REQUEST-----").result
        self.assertTrue(result["msg"].endswith("wait for it or raise the task's lock_timeout (now 30s)"), result["msg"])

    UNSET = ("desired:6:14: store.password: environment variable HOSTPKI_PASSWORD is not set or empty; export it"
             " before running hostpki, or point store.password.file at a file holding the password")

    def test_aSecretsVariableNotSet_namesTheTasksSecretsNotExport(self):
        # a host whose secrets lacked HOSTPKI_PASSWORD was told to export it, which in a play means
        # the environment keyword, which ps and -vvv show
        for out in ({"format_version": "1", "command": "apply", "diagnostics": [
                {"severity": "error", "message": self.UNSET[len("desired:6:14: "):], "file": "@CONFIG@", "line": 6,
                 "column": 14, "details": []}]}, ""):
            self.answer("apply", out, rc=1, err="error: " + self.UNSET + "\n")
            result = self.run_module("store", desired=StoreTest.DESIRED).result
            self.assertTrue(result["failed"])
            self.assertIn("environment variable HOSTPKI_PASSWORD is not set or empty; give its value in the task's"
                          " secrets ({HOSTPKI_PASSWORD: ...}, no_log; not the environment keyword", result["msg"])
            self.assertIn("or point store.password.file at a file holding the password", result["msg"])
            self.assertNotIn("export", result["msg"])

    def test_lockTimeout_aBareNumberCountsSeconds(self):
        # lock_timeout: 45, as Ansible's timeouts are written, reached hostpki as '45': exit 64,
        # "'45' is not a duration".
        self.answer("apply", APPLIED)
        self.answer("status", STATUS)
        self.answer("sign", {"changed": False, "chain": "-----BEGIN CERTIFICATE-----\n"})
        self.answer("revoke", {"changed": False})
        for value, given in ((45, "45s"), ("2m", "2m"), ("PT30S", "PT30S"), ("0", "0s")):
            self.run_module("store", config="/etc/hostpki/host.yaml", lock_timeout=value)
            self.run_module("sign", config="/c.yaml", csr="-----BEGIN CERTIFICATE REQUEST-----", lock_timeout=value)
            self.run_module("revoke", config="/c.yaml", serial="01", lock_timeout=value)
            for sub in ("apply", "sign", "revoke"):
                arguments = self.arguments(sub)
                self.assertEqual(arguments[arguments.index("--lock-timeout") + 1], given, (sub, value))


    def test_revokeWithoutReason_passesNoneSoARevocationForAnyReasonIsAccepted(self):
        # the module passed --reason unspecified: a task repeated after a keyCompromise
        # revocation failed instead of reporting changed=false
        self.answer("revoke", {"changed": False, "already_revoked": True, "reason": "keyCompromise"})
        result = self.run_module("revoke", config="/c.yaml", serial="01").result
        self.assertNotIn("--reason", self.arguments("revoke"))
        self.assertFalse(result["changed"])
        self.run_module("revoke", config="/c.yaml", serial="01", reason="superseded")
        arguments = self.arguments("revoke")
        self.assertEqual(arguments[arguments.index("--reason") + 1], "superseded")

    def test_revokeChangingTheReasonToKeyCompromise_returnsThePreviousReason(self):
        self.answer("revoke", {"changed": True, "already_revoked": False, "reason": "keyCompromise",
                               "previous_reason": "superseded"})
        result = self.run_module("revoke", config="/c.yaml", serial="01", reason="keyCompromise").result
        self.assertTrue(result["changed"])
        self.assertEqual(result["previous_reason"], "superseded")
        self.answer("revoke", {"changed": False, "already_revoked": True, "reason": "keyCompromise",
                               "previous_reason": None})
        result = self.run_module("revoke", config="/c.yaml", serial="01", reason="keyCompromise").result
        self.assertNotIn("previous_reason", result)


class UnexpectedExitTest(ModuleTestCase):
    def test_noJson_saysSoAndNotUsageError(self):
        self.answer("sign", "", rc=0)
        result = self.run_module("sign", config="/c.yaml", csr="-----BEGIN CERTIFICATE REQUEST-----").result
        self.assertEqual(result["msg"], "hostpki exited with code 0 but printed no result this module can read"
                         " (a hostpki older than this module, or another program): it printed nothing")

    def test_exit1WithNothingPrinted_saysSoNotAnEmptyMsg(self):
        # Trial (tansible17): executable: /bin/false failed the task with "msg": "".
        csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"
        for module, args in (("store", {"config": "/c.yaml"}), ("sign", {"config": "/c.yaml", "csr": csr}),
                             ("revoke", {"config": "/c.yaml", "serial": "01"})):
            self.answer("apply" if module == "store" else module, "", rc=1)
            result = self.run_module(module, **args).result
            self.assertTrue(result["failed"])
            self.assertIn("hostpki failed but printed nothing on standard error or output", result["msg"])
        self.answer("sign", "Exception in thread main\n", rc=1)
        self.assertEqual(self.run_module("sign", config="/c.yaml", csr=csr).result["msg"], "Exception in thread main")

    def test_javaMissing_saysHowToFixIt(self):
        self.answer("revoke", "", rc=127, err="hostpki: 141: exec: /opt/jdk/bin/java: not found\n")
        result = self.run_module("revoke", config="/c.yaml", serial="01").result
        self.assertTrue(result["msg"].startswith("hostpki could not start (exit code 127: "), result["msg"])
        self.assertIn("hostpki needs Java 17", result["msg"])
        self.assertTrue(result["msg"].endswith(": hostpki: 141: exec: /opt/jdk/bin/java: not found"))

    def test_killed_saysSoAndNotAnUnknownCode(self):
        self.answer("revoke", "", rc=137, err="# A fatal error has been detected by the Java Runtime Environment:\n")
        result = self.run_module("revoke", config="/c.yaml", serial="01").result
        self.assertTrue(result["msg"].startswith("hostpki was killed (exit code 137: "), result["msg"])

    def test_usageError_keepsItsWording(self):
        self.answer("revoke", "", rc=64, err="error: invalid value for option '--serial'\n")
        result = self.run_module("revoke", config="/c.yaml", serial="zz").result
        self.assertEqual(result["msg"], "hostpki exited with code 64 (a usage error: a parameter value it refuses, or a"
                         " hostpki older than this module): error: invalid value for option '--serial'")


    def test_aValueHostpkiRefuses_namesTheTasksOption(self):
        # Trial: lock_timeout: forever, validity: 30, serial: "" and a name with a control character
        # failed naming --lock-timeout, --validity, --serial, --names: options the task does not have.
        self.answer("apply", "", rc=64, err="error: invalid value for option '--lock-timeout': 'forever' is not a"
                    " duration; use e.g. 30s, 2m, 1h, 7d or PT30S\nRun 'hostpki apply --help' for its usage.\n")
        result = self.run_module("store", config="/c.yaml", lock_timeout="forever").result
        self.assertIn("error: invalid value for the task's lock_timeout (--lock-timeout): 'forever' is not a duration",
                      result["msg"])
        self.answer("sign", "", rc=64, err="error: --names: 'm1\\x07' is no DNS name, address or network\n")
        result = self.run_module("sign", config="/c.yaml", csr_base64=base64.b64encode(
            b"-----BEGIN CERTIFICATE REQUEST-----\nAA==\n-----END CERTIFICATE REQUEST-----\n").decode(),
            names=["m1\x07"]).result
        self.assertIn("error: the task's names (--names): 'm1\\x07' is no DNS name", result["msg"])
        self.answer("revoke", "", rc=64, err="error: invalid value for option '--serial': '' is not a serial number\n")
        result = self.run_module("revoke", config="/c.yaml", serial="").result
        self.assertIn("error: invalid value for the task's serial (--serial): '' is not a serial number", result["msg"])


class DocumentationTest(unittest.TestCase):
    """What ansible-test's validate-modules checks of DOCUMENTATION against argument_spec."""

    def spec(self, name):
        captured = {}

        class Captured(Exception):
            pass

        def capture(module, **kwargs):
            captured.update(kwargs)
            raise Captured()

        original = basic.AnsibleModule.__init__
        basic.AnsibleModule.__init__ = capture
        try:
            importlib.import_module(PACKAGE + name).main()
        except Captured:
            pass
        finally:
            basic.AnsibleModule.__init__ = original
        return captured

    def test_optionsAgreeWithTheArgumentSpec(self):
        for name in MODULES:
            module = importlib.import_module(PACKAGE + name)
            doc = yaml.safe_load(module.DOCUMENTATION)
            spec = self.spec(name)
            options = doc["options"]
            # an option whose name starts with _ is the action plugin's, never a task's (as ansible-test's)
            public = dict((k, v) for k, v in spec["argument_spec"].items() if not k.startswith("_"))
            self.assertEqual(sorted(options), sorted(public), name)
            for option, argument in public.items():
                documented = options[option]
                where = "%s: %s" % (name, option)
                self.assertEqual(documented.get("type", "str"), argument.get("type", "str"), where)
                self.assertEqual(documented.get("default"), argument.get("default"), where)
                self.assertEqual(documented.get("choices"), argument.get("choices"), where)
                self.assertEqual(bool(documented.get("required")), bool(argument.get("required")), where)
                self.assertEqual(documented.get("elements"), argument.get("elements"), where)
                self.assertTrue(documented.get("description"), where)
            self.assertEqual(doc["attributes"]["check_mode"]["support"] == "full", spec.get("supports_check_mode"),
                             name)
            self.assertEqual(doc["module"], name)

    def test_secretsAreNoLog(self):
        for name in MODULES:
            for option, argument in self.spec(name)["argument_spec"].items():
                if "secret" in option or "password" in option:
                    self.assertTrue(argument.get("no_log"), "%s: %s" % (name, option))

    def test_examplesUseOnlyDocumentedOptions(self):
        for name in MODULES:
            module = importlib.import_module(PACKAGE + name)
            options = set(yaml.safe_load(module.DOCUMENTATION)["options"])
            for task in yaml.safe_load(module.EXAMPLES):
                for key, args in task.items():
                    if key.startswith("hostpki.pki."):
                        self.assertEqual(set(args) - options, set(), "%s example %r" % (name, task.get("name")))

    def test_returnValuesAreComplete(self):
        for name in MODULES:
            returned = yaml.safe_load(importlib.import_module(PACKAGE + name).RETURN)
            for key, value in returned.items():
                where = "%s: %s" % (name, key)
                self.assertTrue(value.get("description"), where)
                self.assertTrue(value.get("returned"), where)
                self.assertIn(value.get("type"), ("str", "bool", "int", "list", "dict", "raw", "float"), where)


if __name__ == "__main__":
    unittest.main()
