#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) hostpki contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: store
short_description: Make a host's TLS store match a hostpki desired state
version_added: 0.1.0
description:
  - Runs C(hostpki apply) on the target to make its store (internal CA, server certificate,
    trust store) match a desired state, and reports the plan it applied. With C(trust.install)
    this also installs the CA where the target's own clients look (system trust store, Java
    trust stores, NSS databases) and removes what it installed there earlier and no longer should.
    Entries are named with the store's tag (C(hostpki-pki-e231ad52-ca) for the store
    C(/var/lib/hostpki/pki)), so several stores on one host may install into the same target
    without touching each other's entries.
  - The desired state is either a file on the target (C(config)) or given inline (C(desired)).
  - Idempotent by design - a second run of the same desired state changes nothing and reports
    C(changed=false). A changed host identity (name, domain, addresses), an expiring certificate
    or an edited desired state each show up as a planned change with its reasons.
  - In check mode the module runs C(hostpki apply --check) and changes nothing; C(changed) then
    says whether changes are pending. With C(--diff) each planned change is shown as a
    before/after of its attributes (subject, SANs, key, expiry), never key material, and each
    pending hook (one that failed before) as its run (C(hook/afterServerChange)), with since when it
    is due, its last error and what changed.
requirements:
  - hostpki (and Java 17 or later) on the target; see C(executable).
options:
  config:
    description:
      - Path on the target of a desired-state YAML file.
      - Relative store, trust and chain paths in the file resolve against the file's folder,
        as with the C(hostpki) command.
      - A relative C(config) resolves against C(chdir) when given. Use an absolute path.
      - Mutually exclusive with C(desired); one of them is required.
    type: path
  desired:
    description:
      - The desired state itself, as a mapping with the same keys as a desired-state file
        (C(apiVersion), C(store), C(host), C(ca), C(server), C(trust), C(outputs), C(hooks)).
      - The module writes it to a temporary file on the target for C(hostpki) and removes it
        afterwards - in the module's temporary folder, or in the system's (C(/tmp)) when that one
        belongs to another user, as with C(become) from a login user, since C(hostpki) reads a
        desired state only from a folder no one else can change. Problems in it are reported as C(desired:LINE:COLUMN) (of that file, written
        as indented JSON) with the key they concern, for example C(ca.key.curve).
      - Relative paths in it (C(store.path), C(store.password.file),
        C(store.previousPassword.file), C(trust.certificates[].file), C(trust.directories),
        C(trust.install.java), C(trust.install.javaPassword.file), C(trust.install.nss),
        C(server.external.chain), C(server.acme.caBundle),
        C(server.acme.externalAccountBinding.hmacKey.file), C(server.acme.http01.webroot), and
        C(server.acme.dns01.hook)'s program when it contains a C(/)) resolve against C(chdir).
        Without C(chdir) they must be absolute, and a relative one is an error. One starting with
        C(~) is an error either way - C(hostpki) runs no shell and does not expand it; write the
        full path (C({{ ansible_env.HOME }}/pki)).
        (C(outputs[].file) names a file in the store, not a path.)
      - Every key is passed to C(hostpki) as given, C(server.acme) included (an ACME CA as the
        server certificate's issuer - see the example); C(hostpki) checks them and reports a
        misspelt or misplaced key with its place.
      - A secret itself where the desired state names where one comes from (a vault value as
        C(store.password), C(store.previousPassword), C(trust.install.javaPassword) or
        C(server.acme.externalAccountBinding.hmacKey)), or as an output's C(password) (only
        C(none)), fails the task before C(hostpki) runs; give it with C(secrets). Whatever stands
        at those places but a source (a vault value given as the name of C(env) too) is masked in every
        result of the task, a failure before C(hostpki) runs included.
      - Each run writes it to a new temporary file, named after the task (its playbook file and
        name, or line; the second task of one name in one file also by its number, C(#2)) and the
        inventory host it runs for (its name; a name with other letters than A-Z, a-z, 0-9, C(.),
        C(_), C(:), C(-), or longer than 32, as its safe letters and a digest of it), which the
        collection's action plugin passes as the internal option C(_task) (not for playbooks), so the store's record of the file that last wrote it names a file that is
        gone. The plan's warning that another desired-state file wrote the store last
        (C(other-desired-state)) is left out when that file was this task's inline desired state
        (an edited one); when it was another task's, the warning names both tasks - two tasks
        applying one C(store.path) with different settings undo each other's changes on every run,
        each reporting C(changed). The same holds, and the warning names both, when this task wrote
        it for another inventory host that is the same machine (C(connection=local), or one address
        listed under two names) with another desired state. It stays when it was a desired-state
        file, say the C(/etc/hostpki/host.yaml) a timer applies to the same store (but see
        C(desired_file)).
      - Mutually exclusive with C(config); one of them is required.
    type: dict
  desired_file:
    description:
      - The desired-state file on the target that holds C(desired) in a real run - a task before
        this one writes it (M(ansible.builtin.copy), M(ansible.builtin.template)) and this task
        applies it with C(config) outside check mode, as C(playbooks/fleet.yml) does. In check
        mode that task writes nothing, so the file still holds what it held; a check-mode preview
        with C(desired) then leaves out the plan's warning that this file wrote the store last
        (C(other-desired-state)), which a real run would not give.
      - Only with C(desired).
    type: path
  chdir:
    description:
      - Directory on the target that C(hostpki) runs in.
      - With C(desired), the temporary desired-state file is written here (as a hidden file,
        removed afterwards) so that relative paths in C(desired) resolve against it.
      - With C(config), a relative C(config) path resolves against it.
    type: path
  executable:
    description:
      - The C(hostpki) launcher on the target.
      - A bare name is looked up on C(PATH), then in C(/opt/hostpki/bin) (where the release
        tarball is usually unpacked).
    type: str
    default: hostpki
  replace:
    description:
      - Re-issue these with a new key even without drift (C(hostpki apply --replace)), for example
        after a suspected key compromise. A replaced CA also re-issues the server certificate.
      - Not idempotent - every run with C(replace) set changes the store.
    type: list
    elements: str
    choices: [ca, server]
    default: []
  lock_timeout:
    description:
      - How long to wait for another C(hostpki apply) on the same store (for example a systemd
        timer run, C(hostpki watch)) to finish, as C(30s), C(2m) or ISO-8601 (C(PT30S)); a bare
        number counts seconds (C(45) is C(45s)), as Ansible's timeouts do. C(0s) fails at once. A
        store locked longer fails the task, naming the process that holds it (pid, command, since
        when).
    type: str
    default: 30s
  unattended:
    description:
      - Set it for scheduled runs that no person started (an AWX/Tower schedule, a cron'd
        playbook) - C(hostpki apply --unattended). A store that C(hostpki rollback) put back is
        then left as it is (hooks still pending run), and C(plan.hold) says so.
      - Without it the run counts as a person's, and releases a rollback's hold, as a plain
        C(hostpki apply) does.
    type: bool
    default: false
  secrets:
    description:
      - The secrets the desired state reads from environment variables (C(store.password),
        C(store.previousPassword), C(trust.install.javaPassword) or
        C(server.acme.externalAccountBinding.hmacKey) given as C(env) and a variable's name), as a
        mapping of each name to its value, for example from Ansible Vault. They are set in the
        environment of C(hostpki) alone; hooks never see a variable a secret is read from, so a
        variable the process lives by (C(PATH), C(HOME), C(LANG), C(LC_*), ...) is refused as one.
      - Use this rather than the task's C(environment) keyword for a secret. Ansible puts
        C(environment) on the command line that starts the module on the target, where every user
        of the target sees it in the process list while the task runs, and C(-vvv) prints it. A
        module parameter travels inside the module's own file, and this one is marked C(no_log) -
        its values are masked in the output, C(-vvv) and the results.
    type: dict
attributes:
  action:
    description: Has a corresponding action plugin, which hands the module the task's place in the playbook.
    support: full
  async:
    description: Supports being used with the C(async) keyword (not in check mode, which Ansible refuses with it).
    support: full
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
notes:
  - The PKCS#12 password is never part of the desired state. Declare where C(hostpki) finds it
    (C(store.password.env) or C(store.password.file)) and hand a variable's value over with
    C(secrets), for example from Ansible Vault (not with the task's C(environment) - see
    C(secrets)). The same holds for an ACME CA's external account binding key
    (C(server.acme.externalAccountBinding.hmacKey)). Hooks, the ACME dns-01 hook included, never
    see a variable a secret is read from.
  - With C(server.issuer=acme), C(hostpki apply) orders the certificate from the CA while the task
    runs (check mode never contacts the CA's order endpoints). A listener for C(http-01) on port
    80 or C(tls-alpn-01) on 443 needs root or CAP_NET_BIND_SERVICE on the target; a failed order
    fails the task with the CA's problem, and the store stays as it was.
  - C(hostpki) exit codes map as follows. C(0) ok or changed, C(2) changes or hooks pending in
    check mode, C(1) an error - the module fails with the error lines of C(hostpki) as C(msg), and
    nothing in the store changed (also when C(hooks.beforeChange) failed). C(3) the store was brought
    to the desired state but a hook (C(hooks.afterServerChange), C(afterTrustChange),
    C(afterCaChange), an output's C(afterChange)) failed - the module fails with the hook's error as C(msg), with
    C(changed=true) and C(plan) saying what changed. The hook is recorded as pending and the next
    run (of this module, the timer or C(hostpki watch)) runs it again until it succeeds. C(3) also
    when a C(trust.install) target could not be read or changed; it was left as it was while the
    rest applied, C(msg) and C(install_errors) say which and why, and the next run tries it again.
  - Hooks in the desired state run as the user running C(hostpki) on the target. Use one that
    succeeds while the service is not running yet, for example
    C([systemctl, try-reload-or-restart, nginx]); C(reload) fails on a fresh host.
author:
  - hostpki contributors
"""

EXAMPLES = r"""
- name: Keep the portal's certificates right (desired state installed as a file)
  hostpki.pki.store:
    config: /etc/hostpki/host.yaml
    executable: /opt/hostpki/bin/hostpki
    secrets:
      HOSTPKI_PASSWORD: "{{ vault_p12_password }}"

- name: The same, with the desired state written inline from host variables
  hostpki.pki.store:
    desired:
      apiVersion: hostpki/v1
      store:
        path: /var/lib/hostpki
        password: {env: HOSTPKI_PASSWORD}
      host:
        detect: false
        hostname: "{{ inventory_hostname_short }}"
        domain: example.com
        addresses: "{{ ansible_facts.all_ipv4_addresses }}"
      ca:
        subject: {commonName: Example Portal CA, organization: Example Corp, country: US}
    secrets:
      HOSTPKI_PASSWORD: "{{ vault_p12_password }}"
  register: pki

- name: Reload nginx only when the server certificate changed
  ansible.builtin.service:
    name: nginx
    state: reloaded
  when: pki.plan.changes | selectattr('address', 'equalto', 'server') | list | length > 0

- name: Inline desired state with paths relative to a directory
  hostpki.pki.store:
    chdir: /etc/hostpki
    desired:
      apiVersion: hostpki/v1
      store: {path: pki}          # /etc/hostpki/pki
      trust:
        directories: [trusted.d]  # /etc/hostpki/trusted.d

- name: Scheduled run (an AWX schedule) that leaves a rolled-back store alone
  hostpki.pki.store:
    config: /etc/hostpki/host.yaml
    unattended: true

- name: The server certificate from an ACME CA (Let's Encrypt), validated through the web server's webroot
  hostpki.pki.store:
    desired:
      apiVersion: hostpki/v1
      store: {path: /var/lib/hostpki, password: {env: HOSTPKI_PASSWORD}}
      server:
        issuer: acme
        dnsNames: ["{{ inventory_hostname }}"]
        acme:
          directory: https://acme-v02.api.letsencrypt.org/directory
          contact: [mailto:ops@example.com]
          termsOfServiceAgreed: true
          challenge: http-01
          http01: {webroot: /var/www/html}
    secrets:
      HOSTPKI_PASSWORD: "{{ vault_p12_password }}"

- name: From a private ACME CA (step-ca) with an external account binding and a DNS hook
  hostpki.pki.store:
    chdir: /etc/hostpki
    desired:
      apiVersion: hostpki/v1
      store: {path: /var/lib/hostpki, password: {env: HOSTPKI_PASSWORD}}
      server:
        issuer: acme
        acme:
          directory: https://ca.internal.example.com/acme/acme/directory
          caBundle: step-root.pem                    # /etc/hostpki/step-root.pem
          externalAccountBinding: {keyId: "{{ eab_kid }}", hmacKey: {env: ACME_EAB_HMAC}}
          challenge: dns-01
          dns01: {hook: [/usr/local/bin/dns-txt, --zone, example.com]}
    secrets:
      HOSTPKI_PASSWORD: "{{ vault_p12_password }}"
      ACME_EAB_HMAC: "{{ vault_eab_hmac }}"

- name: Re-key the server now (suspected key compromise)
  hostpki.pki.store:
    config: /etc/hostpki/host.yaml
    replace: [server]
"""

RETURN = r"""
changed:
  description:
    - Whether the store changed, an install target of C(trust.install) changed or a pending hook
      ran (in check mode - whether changes or hooks are pending).
  returned: always
  type: bool
  sample: true
plan:
  description:
    - The plan that was applied (in check mode - that would be applied), in the JSON form of
      C(hostpki plan --output json) (format version 2, described by C(schema/plan.schema.json)).
    - C(changes) lists each change with its C(address), C(action), C(reasons) and the resource's
      C(before) and C(after) attributes; C(summary) counts them.
  returned: when hostpki produced a plan
  type: dict
  sample:
    format_version: "2"
    basis: 612894f0984a167d0512a0919ebb3490786cc5430bcae29204d4b1b49a0a2382
    changes:
      - address: server
        action: replace
        reasons:
          - code: host-identity-changed
            message: "host identity changed: address 192.0.2.1 removed, address 192.0.2.9 added"
        before: {subject: CN=h1.example.test, ip_addresses: [192.0.2.1], not_after: "2027-12-30T06:40:00Z"}
        after: {subject: CN=h1.example.test, ip_addresses: [192.0.2.9], validity: P398D, new_key: true}
    warnings: []
    summary: {create: 0, replace: 1, update: 0, delete: 0, unchanged: 2}
    changes_pending: true
warnings:
  description:
    - The plan's warnings (for example a trusted certificate close to its expiry), one string
      each - the subject (C(trust/ldap)), a colon and the message. They are also shown as
      Ansible warnings.
    - The structured form (code, subject, message) is in C(plan.warnings).
    - Then what went wrong after the store was written (the store is right, the next run finishes
      it - a tidy-up, a hook's record, an ACME CA's warning about the order), as C(hostpki apply)
      prints them on standard error.
  returned: when the plan has warnings or the apply notices (Ansible drops an empty list)
  type: list
  elements: str
  sample: ["trust/ldap: trusted certificate 'ldap' expires on 2026-12-01 (in 4 days)"]
generation:
  description: The store generation the apply wrote (the directory the store's C(..data) link points to).
  returned: when the store changed
  type: str
  sample: "..2026_11_27_08_00_00.000000001"
hooks_ran:
  description: The hooks that ran successfully (pending ones, and those the change made due).
  returned: when hostpki applied
  type: list
  elements: str
  sample: [afterServerChange]
install_errors:
  description:
    - The C(trust.install) targets that could not be read or changed, each with the tool's words;
      they were left as they were while the store and the other targets changed (exit 3, the task
      fails). The next run tries them again.
  returned: when hostpki applied
  type: list
  elements: str
  sample: ["install/java:/opt/app/jre/lib/security/cacerts: ... was locked by process 4242 ..."]
install_failures:
  description:
    - The C(trust.install) targets whose last change failed and that the next run changes again,
      from the store's install record (as C(hostpki status) shows them), each with its
      C(last_failure) - when the first and the last of the failures in a row happened, how many
      there were and the last one's error lines (the tool's words). Empty when none.
  returned: always, when hostpki applied or status could read the store
  type: list
  elements: dict
  sample: [{"target": "java:/opt/app/jre/lib/security/cacerts", "last_failure": {"since": "2026-12-07T15:21:14Z",
            "at": "2026-12-07T16:21:14Z", "attempts": 2, "error": ["install/java:...: ... was locked by process 4242"]}}]
held_by_rollback:
  description:
    - With C(unattended), the time of the C(hostpki rollback) whose hold kept the store as it is
      (nothing in C(plan.changes) was applied); null otherwise.
  returned: when hostpki applied
  type: str
  sample: "2026-11-27T10:00:00Z"
released_hold:
  description:
    - Without C(unattended), the time of the C(hostpki rollback) whose hold this run released
      (C(changed) then, with nothing else applied; unattended runs apply again from now on); null
      otherwise. In check mode a hold this run would release makes C(changed) true, and C(--diff)
      shows it as C(hold).
  returned: when hostpki applied
  type: str
  sample: "2026-11-27T10:00:00Z"
store:
  description: The store's directory.
  returned: when hostpki applied (in check mode - the store as it is now)
  type: str
  sample: /var/lib/hostpki/pki
files:
  description: The store's files, by name, with their paths (the names link through C(..data) to the current generation).
  returned: when hostpki applied (in check mode - the store as it is now)
  type: dict
  sample: {ca.crt: /var/lib/hostpki/pki/ca.crt, server.crt: /var/lib/hostpki/pki/server.crt, server.key: /var/lib/hostpki/pki/server.key}
ca:
  description:
    - The CA certificate - C(path), C(subject), C(sha256) (lower-case hex), C(not_after) (RFC 3339, UTC),
      C(dns_names), C(ip_addresses); null while the store holds none.
  returned: when hostpki applied (in check mode - the store as it is now)
  type: dict
  sample:
    path: /var/lib/hostpki/pki/ca.crt
    subject: CN=h1 hostpki CA
    sha256: a1337d8334ff108524989b883fe67e7f9dcebbec70bd293b7c18f36284d0d09d
    not_after: "2036-12-03T05:28:04Z"
    dns_names: []
    ip_addresses: []
server:
  description: The server certificate, as C(ca) describes it; null while the store holds none.
  returned: when hostpki applied (in check mode - the store as it is now)
  type: dict
  sample:
    path: /var/lib/hostpki/pki/server.crt
    subject: CN=h1.example.test
    sha256: 38fcb3bd9f71adad9ed51e331308e6b69a25f19f46baa8cf00e1ea65fa7284d3
    not_after: "2028-01-08T05:28:04Z"
    dns_names: [h1.example.test, h1]
    ip_addresses: [192.0.2.1]
trusted:
  description: The trusted certificates - C(name), C(path), C(subject), C(sha256), C(not_after).
  returned: when hostpki applied (in check mode - the store as it is now)
  type: list
  elements: dict
msg:
  description:
    - On failure, every error line C(hostpki) printed, as its command line prints them (with the file, line
      and column where an error has them, and control characters in outside text such as file names
      escaped, C(\x1b)).
  returned: failure
  type: str
  sample: "/etc/hostpki/host.yaml:4:31: error: ca.key.curve 'P-257' is not one of: P-256, P-384, P-521; did you mean 'P-256'?"
rc:
  description: The exit code of C(hostpki).
  returned: failure
  type: int
  sample: 1
stderr:
  description: Everything C(hostpki) printed on standard error (errors, warnings, hook output).
  returned: failure
  type: str
"""

import hashlib
import json
import os
import re
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hostpki.pki.plugins.module_utils.hostpki import (
    error_lines, fail_unexpected, failure_message, find_executable, lock_timeout_argument, private_folder,
    terminal_text)


def relative_paths(desired):
    """The paths in an inline desired state that would resolve against its temporary file."""
    found = []

    def check(where, value):
        if isinstance(value, str) and value and not os.path.isabs(value):
            found.append("%s (%s)" % (where, terminal_text(value)))

    store = desired.get("store")
    if isinstance(store, dict):
        check("store.path", store.get("path"))
        password = store.get("password")
        if isinstance(password, dict):
            check("store.password.file", password.get("file"))
        previous = store.get("previousPassword")
        if isinstance(previous, dict):
            check("store.previousPassword.file", previous.get("file"))
    trust = desired.get("trust")
    if isinstance(trust, dict):
        for i, entry in enumerate(trust.get("certificates") or []):
            if isinstance(entry, dict):
                check("trust.certificates[%d].file" % i, entry.get("file"))
        for i, directory in enumerate(trust.get("directories") or []):
            check("trust.directories[%d]" % i, directory)
        install = trust.get("install")
        if isinstance(install, dict):
            java = install.get("java")
            if isinstance(java, str):
                check("trust.install.java", java)
            elif isinstance(java, list):
                for i, keystore in enumerate(java):
                    check("trust.install.java[%d]" % i, keystore)
            password = install.get("javaPassword")
            if isinstance(password, dict):
                check("trust.install.javaPassword.file", password.get("file"))
            for i, database in enumerate(install.get("nss") or []):
                if isinstance(database, str):
                    check("trust.install.nss[%d]" % i, database[4:] if database.startswith("sql:") else database)
    server = desired.get("server")
    if isinstance(server, dict) and isinstance(server.get("external"), dict):
        check("server.external.chain", server["external"].get("chain"))
    if isinstance(server, dict) and isinstance(server.get("acme"), dict):
        acme = server["acme"]
        check("server.acme.caBundle", acme.get("caBundle"))
        binding = acme.get("externalAccountBinding")
        if isinstance(binding, dict) and isinstance(binding.get("hmacKey"), dict):
            check("server.acme.externalAccountBinding.hmacKey.file", binding["hmacKey"].get("file"))
        if isinstance(acme.get("http01"), dict):
            check("server.acme.http01.webroot", acme["http01"].get("webroot"))
        hook = acme.get("dns01", {}).get("hook") if isinstance(acme.get("dns01"), dict) else None
        if isinstance(hook, list) and hook and isinstance(hook[0], str) and "/" in hook[0]:
            # a bare program name is looked up on PATH; one with a slash is a path
            check("server.acme.dns01.hook[0]", hook[0])
    return found


# The variables hostpki, its launcher, the JVM and the hooks live by (as hostpki refuses them for
# {env: NAME}, and NO_COLOR, which the module sets): a secret in one would break hostpki before it
# could say so (PATH, JAVA_HOME), or hand the JVM options (JAVA_TOOL_OPTIONS).
PROCESS_VARIABLES = frozenset([
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TERM", "PWD", "OLDPWD",
    "TMPDIR", "HOSTNAME", "MAIL", "DISPLAY", "XDG_RUNTIME_DIR", "LD_LIBRARY_PATH", "LD_PRELOAD",
    "JAVA_HOME", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "HOSTPKI_JAVA_OPTS",
    "HOSTPKI_STORE", "HOSTPKI_GENERATION", "HOSTPKI_CHANGED", "HOSTPKI_HOOK", "HOSTPKI_CERTIFICATE",
    "HOSTPKI_FINGERPRINT", "HOSTPKI_NOT_AFTER", "HOSTPKI_WITHIN", "HOSTPKI_REASON", "NO_COLOR"])


ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# A place of relative_paths whose path starts with ~ (~, ~/pki, ~ops/pki): a shell's, not hostpki's.
HOME_PATH = re.compile(r"^\S+ \(~[^/]*(/|\))")

# Where a desired state names a secret's source ({env: NAME} or {file: path}), never the secret.
SECRET_PLACES = [("store", "password"), ("store", "previousPassword"), ("trust", "install", "javaPassword"),
                 ("server", "acme", "externalAccountBinding", "hmacKey")]


def literal_secrets(desired):
    """(place, value) of each secret an inline desired state holds itself: a vault value put where
    its source belongs ({{ vault_p12_password }} as store.password), or as a PKCS#12 output's
    password (only none is one)."""
    found = []
    for place in SECRET_PLACES:
        node = desired
        for key in place:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None and not isinstance(node, dict):
            found.append((".".join(place), node))
    outputs = desired.get("outputs")
    for i, output in enumerate(outputs if isinstance(outputs, list) else []):
        if isinstance(output, dict) and output.get("password") not in (None, "none"):
            found.append(("outputs[%d].password" % i, output["password"]))
    return found


def possible_secrets(desired):
    """Every value an inline desired state holds where a secret's source belongs, other than a
    source ({file: PATH}, or {env: NAME} with a variable's name): a vault value put there in any
    form ({env: VALUE}, {value: VALUE}, [VALUE]), which hostpki's refusal or Ansible's result
    (the task's arguments) would show."""
    found = []

    def strings(value):
        if isinstance(value, dict):
            for item in value.values():
                strings(item)
        elif isinstance(value, list):
            for item in value:
                strings(item)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value):
            found.append(str(value))

    for place in SECRET_PLACES:
        node = desired
        for key in place:
            node = node.get(key) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            strings(node)
            continue
        for key, value in node.items():
            if key == "file" or (key == "env" and isinstance(value, str) and ENV_NAME.match(value)):
                continue
            strings(value)
    outputs = desired.get("outputs")
    for output in outputs if isinstance(outputs, list) else []:
        if isinstance(output, dict) and output.get("password") != "none":
            strings(output.get("password"))
    return found


def refuse_literal_secrets(module, desired):
    """Fails for an inline desired state holding a secret itself (masked by then, see
    possible_secrets): hostpki's refusal would quote it."""
    found = literal_secrets(desired)
    if not found:
        return
    sources = [place for place, _value in found if not place.startswith("outputs")]
    outputs = [place for place, _value in found if place.startswith("outputs")]
    problems = []
    if sources:
        problems.append(
            "%s holds a secret itself, where a desired state names only its source: write {env: NAME} there and"
            " hand the value over with secrets: {NAME: ...} (no_log), or {file: PATH}" % ", ".join(sources))
    if outputs:
        problems.append(
            "%s holds a secret; an output's password is only none (without it the file is protected with"
            " store.password)" % ", ".join(outputs))
    module.fail_json(msg="desired: " + "; ".join(problems))


# Linux's MAX_ARG_STRLEN (32 pages): one environment string NAME=VALUE, its NUL included, must fit.
MAX_VARIABLE = 131072


def secret_environment(module, secrets):
    """hostpki's environment: NO_COLOR, and each of the secrets as a variable."""
    environment = {"NO_COLOR": "1"}
    for name, value in (secrets or {}).items():
        name = str(name)
        if not ENV_NAME.match(name):
            module.fail_json(
                msg="secrets: %r is not an environment variable name (letters, digits and _, not starting"
                " with a digit); use the NAME of the desired state's {env: NAME}" % name)
        if name in PROCESS_VARIABLES or name.startswith(("LC_", "LD_")):
            module.fail_json(
                msg="secrets: %s is a variable hostpki itself runs by (and its hooks): a secret there would"
                " replace it; keep the secret in a variable of its own, e.g. HOSTPKI_PASSWORD, and name that"
                " in the desired state ({env: HOSTPKI_PASSWORD})" % name)
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or str(value) == "":
            module.fail_json(
                msg="secrets: %s must be a non-empty string (the secret itself), not %s"
                % (name, "an empty one" if value == "" else type(value).__name__))
        value = str(value)
        # Both made the run itself fail with Python's words ("embedded null byte" with a traceback
        # under -vvv, "[Errno 7] Argument list too long: b'.../hostpki'"), naming no secret.
        if "\0" in value:
            module.fail_json(
                msg="secrets: %s holds a NUL character, which no environment variable can carry (hostpki"
                " would never see the secret whole); remove it" % name)
        size = len(("%s=%s" % (name, value)).encode("utf-8", "surrogateescape"))
        if size >= MAX_VARIABLE:
            module.fail_json(
                msg="secrets: %s is %d bytes long; Linux hands a program an environment variable of at most"
                " %d bytes (NAME=VALUE): give a shorter secret, or let the desired state read it from a"
                " file ({file: PATH})" % (name, size, MAX_VARIABLE - 1))
        environment[name] = value
    return environment


def task_key(task):
    """(label, key) of the task an inline desired state comes from, as the action plugin gives it
    (its file, line and name on the controller, and which task of that name in the file it is), or
    None without it (the module run on its own): the label its file's name and the task's name (or
    line), the key a digest of its file's path and its name (or line), so that editing lines above a
    named task keeps it; a second task of the same name in the file adds its number (#2). A third
    element, the inventory host the task ran for (its name's safe letters, or None), tells two hosts
    of one play that are one machine apart: they write one store with one task."""
    if not isinstance(task, dict) or not task.get("file"):
        return None
    name = str(task.get("name") or "") or "line %s" % task.get("line")
    # the second task of one name in one file (a copied play) is another task: its own key; the
    # first keeps the key it had before tasks were counted
    if task.get("name") and isinstance(task.get("occurrence"), int) and task["occurrence"] > 1:
        name = "%s #%d" % (name, task["occurrence"])
    label = TASK_LABEL_UNSAFE.sub("_", "%s:%s" % (os.path.basename(str(task["file"])), name))[:48]
    key = hashlib.sha256(("%s\0%s" % (task["file"], name)).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return label, key, host_label(str(task.get("host") or ""))


def host_label(name):
    """An inventory host's name as the inline desired state's file name carries it (None without
    one): the name itself when it is safe letters only and at most 32 of them, else its safe letters
    (cut to 32) and + and a digest of the whole name, so that names the cut or the _ make alike
    (a/b and a_b, two long names that start alike) stay two hosts."""
    if not name:
        return None
    safe = TASK_LABEL_UNSAFE.sub("_", name)
    if safe == name and len(name) <= 32:
        return name
    return "%s+%s" % (safe[:32], hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8])


def same_host(recorded, mine):
    """Whether the host label in a file's name is this run's host: a file a module before host_label
    wrote has the safe letters without + and digest, which then stand for the name."""
    if recorded is None or mine is None or recorded == mine:
        return True
    return "+" not in recorded and mine.split("+", 1)[0] == recorded


def write_desired(desired, directory, task=None):
    """Writes the inline desired state where hostpki can read it; JSON is YAML too. Its name carries
    the task's label and key (see task_key): the store's record of who wrote it names that file."""
    prefix = ".hostpki-desired-"
    if task is not None:
        prefix += "%s~%s~" % task[:2] + ("%s~" % task[2] if task[2] else "")
    fd, path = tempfile.mkstemp(prefix=prefix, suffix=".json", dir=directory)
    with os.fdopen(fd, "w") as f:
        json.dump(desired, f, indent=2)
        f.write("\n")
    return path


def attribute_value(value):
    """A typed plan attribute as a reviewer reads it: lists comma-separated, booleans in lower case,
    escaped for a terminal (names and subjects come from certificates and requests)."""
    if isinstance(value, list):
        return ", ".join(terminal_text(str(v)) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return terminal_text(str(value))


def attribute_text(attributes):
    return "".join("%s: %s\n" % (k, attribute_value(attributes[k])) for k in sorted(attributes))


def certificate_facts(certificate):
    """Where a certificate of the store is and what identifies it, from status's JSON."""
    if not isinstance(certificate, dict):
        return None
    return dict(
        path=certificate.get("file"),
        subject=certificate.get("subject"),
        sha256=certificate.get("sha256"),
        not_after=certificate.get("not_after"),
        dns_names=certificate.get("dns_names", []),
        ip_addresses=certificate.get("ip_addresses", []),
    )


def store_facts(status):
    """The store's files, CA, server and trusted certificates, as every run returns them."""
    return dict(
        store=status.get("store"),
        files=dict((f["name"], f["path"]) for f in status.get("files", []) if isinstance(f, dict)),
        ca=certificate_facts(status.get("ca")),
        server=certificate_facts(status.get("server")),
        trusted=[
            dict(name=t.get("name"), path=t.get("file"), subject=t.get("subject"), sha256=t.get("sha256"),
                 not_after=t.get("not_after"))
            for t in status.get("trusted", []) if isinstance(t, dict)
        ],
        install_failures=[
            dict(target=terminal_text(t.get("target") or ""), last_failure=dict(
                since=t["last_failure"].get("since"), at=t["last_failure"].get("at"),
                attempts=t["last_failure"].get("attempts"),
                error=[terminal_text(e) for e in t["last_failure"].get("error") or []]))
            for t in status.get("installed") or [] if isinstance(t, dict) and isinstance(t.get("last_failure"), dict)
        ],
    )


def read_status(module, hostpki, config, chdir, environment):
    """hostpki status --output json of the store, or None (with a warning) when it cannot be read."""
    rc, stdout, stderr = module.run_command(
        [hostpki, "status", "-f", config, "--output", "json"], cwd=chdir, environ_update=environment)
    try:
        status = json.loads(stdout)
    except ValueError:
        status = None
    if rc != 0 or not isinstance(status, dict) or "files" not in status:
        module.warn("hostpki status could not read the store, so its paths and fingerprints are not"
                    " returned: %s" % (failure_message(stdout, stderr, strip_prefix=True, secrets=True)))
        return None
    return status


def plan_diff(plan):
    """Ansible's diff format: one before/after pair per planned change, and one per pending hook (the
    run's only change when a hook failed before: without it, --diff would show a changed task and
    nothing to say why)."""
    diffs = []
    for change in plan.get("changes", []):
        action = change["action"]
        reasons = terminal_text("; ".join(r["message"] for r in change["reasons"]))
        before = "" if action == "create" else attribute_text(change.get("before", {}))
        after = "" if action == "delete" else "# %s: %s\n%s" % (action, reasons, attribute_text(change.get("after", {})))
        diffs.append({
            "before_header": change["address"],
            "after_header": "%s (%s)" % (change["address"], action),
            "before": before,
            "after": after,
        })
    for hook in plan.get("hooks_pending") or []:
        if isinstance(hook, dict):
            diffs.append(hook_diff(hook))
    return diffs


def hold_diff(hold):
    """A rollback's hold that this run releases, as a diff: held before, released after."""
    return {
        "before_header": "hold",
        "after_header": "hold (release)",
        "before": "held by the rollback at %s to generation %s: unattended runs leave the store as it is\n"
                  % (terminal_text(str(hold.get("at"))), terminal_text(str(hold.get("to")))),
        "after": "# release: a person's run (not unattended) releases it; unattended runs apply again\n",
    }


def hook_diff(hook):
    """A pending hook as a diff: nothing before, its run after, with why it is due and what changed."""
    name = "hook/%s" % terminal_text(str(hook.get("hook")))
    why = "pending since %s" % terminal_text(str(hook.get("since")))
    if hook.get("last_error"):
        why += "; the last attempt failed: %s" % terminal_text(str(hook["last_error"]))
    attributes = {}
    if hook.get("changed"):
        attributes["changed"] = hook["changed"]
    expiring = hook.get("expiring")
    if isinstance(expiring, dict):
        for key in ("certificate", "not_after", "within", "reason"):
            if expiring.get(key) is not None:
                attributes[key] = expiring[key]
    return {
        "before_header": name,
        "after_header": "%s (run)" % name,
        "before": "",
        "after": "# run: %s\n%s" % (why, attribute_text(attributes)),
    }


# hostpki's warning that another desired-state file wrote the store last, when that file was an inline
# desired state too (this module's temporary file, a new name on every run, with the label and key of
# the task it came from since the action plugin names it) and this run's is one.
INLINE_WRITER = re.compile(r"^store (.*) was last written from another desired-state file,"
                           r" .*/\.hostpki-desired-(?:([^/~]*)~([0-9a-f]{10})~(?:([^/~]+)~)?)?[^/~]*\.json;"
                           r" this plan, from desired, ")
# What a task's label keeps of its file's and its own name (the rest becomes _): a file name's letters.
TASK_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9._:-]+")
# hostpki's warning naming the desired-state file that wrote the store last.
OTHER_WRITER = re.compile(r"last written from another desired-state file, (.*?); this plan, from ")


def inline_writer(plan, task):
    """The plan's warnings when this run's desired state is inline, about another inline desired state
    that wrote the store last: left out when that was this task (its temporary files differ on every
    run, so it would show on every run that changes the store, naming a file that is gone), or when
    either task is unknown (a module run on its own); said plainly when it was another task of the
    playbook - the two undo each other's changes on every run. Another file (a
    /etc/hostpki/host.yaml a timer applies) keeps hostpki's warning."""
    warnings = plan.get("warnings")
    if not isinstance(warnings, list):
        return plan
    kept = []
    for warning in warnings:
        match = None
        if isinstance(warning, dict) and warning.get("code") == "other-desired-state":
            match = INLINE_WRITER.search(str(warning.get("message", "")))
        if match is None:
            kept.append(warning)
            continue
        store, label, key, host = match.groups()
        if task is None or key is None:
            continue
        if key == task[1]:
            if same_host(host, task[2]):
                continue
            # One task, two inventory hosts that are one machine (connection local, one address under
            # two names): each run of the play writes the store twice, each reporting changed.
            kept.append(dict(warning, message=(
                "store %s was last written by this task (%s) for another inventory host (%s), with a desired"
                " state that differs from this host's (%s): two inventory hosts that are one machine (connection"
                " local, or one address under two names) undo each other's changes (and run the hooks) on every"
                " run, and each reports changed every time. Give each host its own store.path, or list the"
                " machine once in the inventory" % (store, label, host, task[2]))))
            continue
        kept.append(dict(warning, message=(
            "store %s was last written by another task's inline desired state (%s), which differs from this"
            " task's (%s): the two tasks undo each other's changes (and run the hooks) on every run, and each"
            " reports changed every time. Keep one task per store.path: merge the two desired states into"
            " one task, or give one of them another store.path" % (store, label, task[0]))))
    plan["warnings"] = kept
    return plan


def without_desired_file(plan, desired_file):
    """The plan without the warning that the store was last written from desired_file, which this
    task's desired state is what a real run writes there (a check-mode preview, see the option)."""
    warnings = plan.get("warnings")
    if not isinstance(warnings, list) or not desired_file:
        return plan
    ours = os.path.realpath(desired_file)
    kept = []
    for warning in warnings:
        match = None
        if isinstance(warning, dict) and warning.get("code") == "other-desired-state":
            match = OTHER_WRITER.search(str(warning.get("message", "")))
        if match is None or os.path.realpath(match.group(1)) != ours:
            kept.append(warning)
    plan["warnings"] = kept
    return plan


def plan_warnings(plan):
    return [terminal_text("%s: %s" % (w["subject"], w["message"])) for w in plan.get("warnings", [])]


def parse_output(stdout):
    try:
        parsed = json.loads(stdout)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) and isinstance(parsed.get("plan"), dict) else None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            config=dict(type="path"),
            desired=dict(type="dict"),
            chdir=dict(type="path"),
            executable=dict(type="str", default="hostpki"),
            replace=dict(type="list", elements="str", choices=["ca", "server"], default=[]),
            lock_timeout=dict(type="str", default="30s"),
            unattended=dict(type="bool", default=False),
            secrets=dict(type="dict", no_log=True),
            desired_file=dict(type="path"),
            # the task's place in the playbook, from the action plugin (plugins/action/store.py)
            _task=dict(type="dict"),
        ),
        mutually_exclusive=[("config", "desired")],
        required_by={"desired_file": "desired"},
        required_one_of=[("config", "desired")],
        supports_check_mode=True,
    )
    params = module.params
    # masked before anything can fail: every failure shows the task's arguments (a missing hostpki too)
    module.no_log_values.update(possible_secrets(params["desired"] or {}))
    chdir = params["chdir"]
    for option in ("config", "chdir", "desired_file"):
        if params[option] == "":
            module.fail_json(msg="%s is empty: give a path on the target, or leave %s out" % (option, option))
    if chdir is not None and not os.path.isdir(chdir):
        module.fail_json(msg="chdir %s is not a directory on the target" % terminal_text(chdir))
    hostpki = find_executable(module, "target")
    environment = secret_environment(module, params["secrets"])

    temporary = None
    task = None
    try:
        if params["desired"] is not None:
            refuse_literal_secrets(module, params["desired"])
            relative = relative_paths(params["desired"])
            home = [place for place in relative if HOME_PATH.match(place)]
            if home:
                module.fail_json(
                    msg="desired: a path starting with ~ is not expanded (hostpki runs no shell; it would name a"
                    " folder '~' in chdir): write the full path, e.g. \"{{ ansible_env.HOME }}/pki\": " + ", ".join(home))
            if relative and chdir is None:
                module.fail_json(
                    msg="desired: relative paths need chdir, the directory they are relative to;"
                    " set chdir or make them absolute: " + ", ".join(relative))
            task = task_key(params["_task"])
            temporary = write_desired(params["desired"], chdir or private_folder(module), task)
            config = temporary
        else:
            config = params["config"]

        command = [hostpki, "apply", "-f", config, "--output", "json", "--lock-timeout",
                   lock_timeout_argument(params["lock_timeout"])]
        if module.check_mode:
            command.append("--check")
        if params["unattended"]:
            command.append("--unattended")
        for target in params["replace"]:
            command += ["--replace", target]
        rc, stdout, stderr = module.run_command(command, cwd=chdir, environ_update=environment)
        status = None
        applied = parse_output(stdout) if rc in (0, 2, 3) else None
        if applied is not None:
            # Like community.crypto's modules: paths, fingerprints and expiry on every run. hostpki
            # prints them with the apply (status, the store as the run leaves it); only an older one, or a
            # store it could not read again, makes it take a second Java: hostpki status.
            status = applied.get("status")
            if not isinstance(status, dict) or "files" not in status:
                status = read_status(module, hostpki, config, chdir, environment)
    finally:
        if temporary is not None:
            os.unlink(temporary)

    if temporary is not None:
        # Name the inline desired state in messages, not a temporary file that is gone.
        stdout = stdout.replace(temporary, "desired")
        stderr = stderr.replace(temporary, "desired")

    output = parse_output(stdout)
    result = dict(changed=False, warnings=[])
    if output is not None:
        plan = output["plan"]
        if temporary is not None:
            plan = without_desired_file(inline_writer(plan, task), params["desired_file"])
        result["plan"] = plan
        # and what went wrong after the store was written (a tidy-up, a hook's record, an ACME
        # order's warning), which hostpki prints on standard error alone, where Ansible never shows it
        result["warnings"] = plan_warnings(plan) + [terminal_text(n) for n in output.get("notices") or []]
        # A rollback's hold that a person's run releases is a change (a real run says changed);
        # hostpki apply --check exits 2 for it, builds before 2026-12-08 exited 0: predicted here too.
        releases = isinstance(plan.get("hold"), dict) and not params["unattended"]
        result["changed"] = (rc == 2 or (rc == 0 and releases)) if module.check_mode else bool(output.get("changed"))
        if output.get("generation"):
            result["generation"] = output["generation"]
        if not module.check_mode:
            result["hooks_ran"] = output.get("hooks_ran", [])
            result["held_by_rollback"] = output.get("held_by_rollback")
            result["released_hold"] = output.get("released_hold")
            result["install_errors"] = [terminal_text(e) for e in output.get("install_errors") or []]
        if module._diff and result["changed"]:
            result["diff"] = plan_diff(plan)
            if releases and (module.check_mode or output.get("released_hold")):
                result["diff"].append(hold_diff(plan["hold"]))
    if status is not None:
        result.update(store_facts(status))

    if rc in (0, 2) and output is not None:
        module.exit_json(**result)
    if rc == 3 and output is not None:
        # The store changed (or already matched); a hook failed and is pending, or a trust.install
        # target failed alone: both are said, a hook's error first.
        failed = ([output["hook_error"]] if output.get("hook_error") else []) + list(output.get("install_errors") or [])
        module.fail_json(msg=terminal_text("\n".join(failed) or error_lines(stderr), keep_lines=True), rc=rc,
                         stderr=stderr, **result)
    if rc == 1:
        module.fail_json(msg=failure_message(stdout, stderr, lock_timeout=params["lock_timeout"], secrets=True), rc=rc,
                         stderr=stderr, **result)
    fail_unexpected(module, rc, stdout, stderr, **result)


if __name__ == "__main__":
    main()
