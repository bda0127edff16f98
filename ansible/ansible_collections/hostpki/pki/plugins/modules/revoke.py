#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) hostpki contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: revoke
short_description: Revoke a certificate a hostpki CA host issued, and write its CRL
version_added: 0.1.0
description:
  - Runs C(hostpki revoke) on the CA host to revoke a certificate its internal CA issued - one
    recorded by M(hostpki.pki.sign) (C(issued/SERIAL.crt) in the CA store), named by its serial,
    or given as a certificate - and writes the new certificate revocation list to the CA store
    as C(ca.crl), in the same store generation as the record.
  - The CRL (X.509 v2, RFC 5280) gets the next CRL number, thisUpdate now and nextUpdate the CA
    host's C(ca.crl.validity) later (default 7 days); every revocation of the CA stays on it.
    Publish it where clients fetch it, for example with
    C(hostpki export -f CA.yaml crl --der -o /var/www/pki/fleet.crl).
  - Idempotent - revoking a certificate revoked before, for the same reason or with no I(reason),
    changes nothing,
    unless the CRL is due for renewal (a third of its validity left, or past it) - then a new CRL
    with the same entries is written and C(changed) is true. Running the task regularly keeps the
    CRL fresh. Revoking it again for another I(reason) fails the task (a revocation is final), and
    so does a serial this CA did not issue.
  - In check mode nothing is written (C(hostpki revoke --check)); C(changed) says whether a new
    CRL would be written.
requirements:
  - hostpki (and Java 17 or later) on the CA host; see C(executable).
options:
  config:
    description:
      - Path on the CA host of its desired-state file; its C(store.path) holds the CA, and its
        C(ca.crl) the CRL's validity.
    type: path
    required: true
  serial:
    description:
      - The serial number of the certificate to revoke, in hex as C(hostpki status) and
        C(openssl x509 -serial) print it (colons allowed), for example the C(serial) that
        M(hostpki.pki.sign) returned.
      - Exactly one of I(serial) and I(cert).
    type: str
  cert:
    description:
      - The certificate to revoke, as PEM text (the first certificate of a chain counts). It must
        be signed by the CA host's CA; one missing from the record of issued certificates is
        recorded too.
      - Exactly one of I(serial) and I(cert).
    type: str
  reason:
    description:
      - Why the certificate is revoked (RFC 5280 CRLReason). C(unspecified) writes no reason code,
        as the CA/Browser Forum requires.
      - Left out, a new revocation names no reason (C(unspecified)), and a certificate revoked
        before is accepted whatever its reason (C(changed=false)), so the task can be repeated as
        it is after the reason was set elsewhere, for example to C(keyCompromise).
    type: str
    choices: [unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn]
  executable:
    description:
      - The C(hostpki) launcher on the CA host.
      - A bare name is looked up on C(PATH), then in C(/opt/hostpki/bin).
    type: str
    default: hostpki
  lock_timeout:
    description:
      - How long to wait for another writer of the CA store (a sign, an apply), as C(30s) or C(2m).
        A bare number counts seconds (C(45) is C(45s)), as Ansible's timeouts do.
    type: str
    default: 30s
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
notes:
  - C(hostpki) exit codes map as follows. C(0) revoked, or revoked before for the same reason (or with no I(reason));
    C(2) a new CRL would be written (check mode); C(1) refused or an error - the module fails with
    the error lines of C(hostpki) as C(msg), and nothing was changed.
  - M(hostpki.pki.sign) never hands out a revoked certificate again, and refuses a request for a
    key whose certificate was revoked for C(keyCompromise).
seealso:
  - module: hostpki.pki.sign
  - module: hostpki.pki.store
author:
  - hostpki contributors
"""

EXAMPLES = r"""
- name: web3 was stolen - revoke its certificate
  hostpki.pki.revoke:
    config: /etc/hostpki/ca.yaml
    serial: 142517D9F5E1D2D020831BD6DF32EB4D
    reason: keyCompromise
    executable: /opt/hostpki/bin/hostpki
  register: revoked

- name: Revoke a certificate given as PEM
  hostpki.pki.revoke:
    config: /etc/hostpki/ca.yaml
    cert: "{{ lookup('file', 'retired/db1.crt') }}"
    reason: cessationOfOperation

- name: Publish the CRL at the distribution point (ca.crl.url)
  ansible.builtin.command:
    cmd: /opt/hostpki/bin/hostpki export -f /etc/hostpki/ca.yaml crl --der -o /var/www/pki/fleet.crl
  when: revoked is changed
"""

RETURN = r"""
changed:
  description: Whether a new CRL was written (in check mode - would be written).
  returned: always
  type: bool
  sample: true
already_revoked:
  description: The certificate had been revoked before, for the same reason (or with no I(reason) given); a changed result then only renewed the CRL. After a CA rotation's move, also for a certificate of the previous CA that its last CRL (ca-previous.crl) revokes.
  returned: success
  type: bool
  sample: false
no_effect:
  description: The certificate expired and its CA (one the CA host signed with before) left the CA host's store, so revoking it has no effect and nothing was changed (C(changed=false)); every client refuses it. One that CA had revoked is I(already_revoked); one never revoked and still valid fails the task.
  returned: success
  type: bool
  sample: false
serial:
  description: The revoked certificate's serial number in upper-case hex.
  returned: success
  type: str
  sample: 142517D9F5E1D2D020831BD6DF32EB4D
subject:
  description: The revoked certificate's subject (RFC 4514).
  returned: success
  type: str
  sample: CN=web3.corp.example
reason:
  description: The reason on the CRL.
  returned: success
  type: str
  sample: keyCompromise
previous_reason:
  description:
    - The reason the certificate had been revoked for before, when this task changed it to
      keyCompromise (its key found to have leaked; the revocation date stays).
  returned: when the reason was changed
  type: str
  sample: superseded
revocation_date:
  description: When the certificate was revoked (ISO-8601, UTC); in check mode for a new revocation, now.
  returned: success
  type: str
  sample: "2026-12-06T04:22:00Z"
crl:
  description: The CRL in the CA store (C(ca.crl)), as PEM.
  returned: when the store has one (not for a check-mode run before the first revocation)
  type: str
  sample: "-----BEGIN X509 CRL-----\nMIIBOTCB3w...\n-----END X509 CRL-----\n"
crl_number:
  description:
    - The CRL's number, in decimal; its thisUpdate in nanoseconds since 1970, or one more than the
      highest before it, so that it keeps rising across a rollback or a VM snapshot revert.
  returned: when I(crl) is
  type: str
  sample: "1796532237000000000"
next_update:
  description: The CRL's nextUpdate (ISO-8601, UTC); publish a new CRL before then.
  returned: when I(crl) is
  type: str
  sample: "2026-12-13T04:22:00Z"
generation:
  description: The CA store generation that recorded it.
  returned: when a new CRL was written
  type: str
  sample: "..2026_12_06_04_22_00.135798264"
msg:
  description: On failure, the error lines C(hostpki) printed, for example an unknown serial.
  returned: failure
  type: str
  sample: "serial 0BADC0DE is not a certificate this CA issued: ..."
rc:
  description: The exit code of C(hostpki).
  returned: failure
  type: int
  sample: 1
stderr:
  description: Everything C(hostpki) printed on standard error.
  returned: failure
  type: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hostpki.pki.plugins.module_utils.hostpki import (
    find_executable, finish, lock_timeout_argument, run_with_file)

REASONS = ["unspecified", "keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation",
           "privilegeWithdrawn"]


def result_of(output):
    result = dict(
        changed=bool(output.get("changed")),
        already_revoked=bool(output.get("already_revoked")),
        no_effect=bool(output.get("no_effect")),
        serial=output.get("serial"),
        subject=output.get("subject"),
        reason=output.get("reason"),
        revocation_date=output.get("revocation_date"),
    )
    if output.get("previous_reason"):
        result["previous_reason"] = output["previous_reason"]
    crl = output.get("crl")
    if output.get("crl_pem") and isinstance(crl, dict):
        result.update(crl=output["crl_pem"], crl_number=crl.get("number"), next_update=crl.get("next_update"))
    if output.get("generation"):
        result["generation"] = output["generation"]
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            config=dict(type="path", required=True),
            serial=dict(type="str"),
            cert=dict(type="str"),
            reason=dict(type="str", choices=REASONS),
            executable=dict(type="str", default="hostpki"),
            lock_timeout=dict(type="str", default="30s"),
        ),
        mutually_exclusive=[("serial", "cert")],
        required_one_of=[("serial", "cert")],
        supports_check_mode=True,
    )
    params = module.params
    if params["cert"] is not None and "BEGIN" not in params["cert"]:
        module.fail_json(
            msg="cert must be a PEM certificate (-----BEGIN CERTIFICATE-----); read a file with"
            " lookup('file', ...) or slurp and pass its text")
    hostpki = find_executable(module, "CA host")

    command = [hostpki, "revoke", "-f", params["config"], "--output", "json",
               "--lock-timeout", lock_timeout_argument(params["lock_timeout"])]
    if params["reason"] is not None:
        # left out: hostpki accepts a revocation made before for any reason (idempotent)
        command += ["--reason", params["reason"]]
    if module.check_mode:
        command.append("--check")
    if params["cert"] is not None:
        rc, stdout, stderr = run_with_file(module, command, "--cert", params["cert"], ".crt", "the certificate (cert)")
    else:
        rc, stdout, stderr = module.run_command(command + ["--serial", params["serial"]], environ_update={"NO_COLOR": "1"})
    finish(module, rc, stdout, stderr, result_of)


if __name__ == "__main__":
    main()
