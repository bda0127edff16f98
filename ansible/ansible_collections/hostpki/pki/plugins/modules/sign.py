#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) hostpki contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: sign
short_description: Sign another host's certificate request with a hostpki CA host's internal CA
version_added: 0.1.0
description:
  - Runs C(hostpki sign) on the CA host - in a play of the CA host, or with C(delegate_to) - to
    sign a member host's certificate request (its C(server.csr)) with the internal CA of the CA
    host's store, and returns the chain (the new certificate, then the CA certificate) for the
    member to import as its C(server.external.chain).
  - The whole request is checked against the CA host's C(ca.policy) (C(allowedDomains),
    C(allowedNetworks), C(allowedSubjectAttributes), C(allowedExtendedKeyUsages),
    C(maxSubjectAltNames) (100 names by default), C(maxValidity)),
    the CA certificate's name constraints, and against what hostpki never issues. A request that asks for anything outside them fails the task, with everything
    refused listed in C(msg) - nothing is dropped silently. Without C(ca.policy) nothing is
    signed (default deny).
  - Refused whatever the policy - a name or subject attribute holding a control character (a line
    break, ESC, NUL, a bidi override), a commonName longer than 64 characters, a subject attribute
    other than commonName, organization, organizationalUnit, locality, state, country and
    emailAddress (or one that appears twice), a subjectAltName other than a DNS name or an IP
    address (email, URI, otherName ...), an extended key usage other than serverAuth and
    clientAuth, a commonName that is not one of the request's own DNS names or addresses, a name
    outside the CA certificate's name constraints (or C(ca.nameConstraints)), and a key whose
    certificate was revoked for keyCompromise (M(hostpki.pki.revoke)).
  - Refused unless the policy allows it - a DNS name outside C(allowedDomains), an address outside
    C(allowedNetworks), and a subject attribute besides commonName that
    C(allowedSubjectAttributes) does not list (by default none, so a request with an
    organization fails until the CA host allows it), and an extended key usage outside
    C(allowedExtendedKeyUsages) (by default serverAuth and clientAuth). The certificate gets the
    usages the request asks for, serverAuth when it names none, and a CRL Distribution Point when
    the CA host sets C(ca.crl.url).
  - Idempotent - every issued certificate is recorded in the CA store as C(issued/SERIAL.crt),
    and a request signed before (same key, subject and SANs) gets the recorded certificate again
    until it is within the CA host's C(server.renewBefore) (a share of its lifetime by default, 33%),
    widened by C(renewal.jitter), of its end, and while it is not revoked. C(changed) is true only
    when a new certificate was issued.
  - In check mode nothing is signed (C(hostpki sign --check)); C(changed) says whether a new
    certificate would be issued, and a recorded one is returned as usual.
requirements:
  - hostpki (and Java 17 or later) on the CA host; see C(executable).
options:
  config:
    description:
      - Path on the CA host of its desired-state file. Its C(store.path) holds the CA, its
        C(ca.policy) limits what is signed, and its C(server.validity) and C(server.renewBefore)
        are the defaults for the signed certificates.
      - The CA must exist - run M(hostpki.pki.store) (or C(hostpki apply)) with it first.
    type: path
    required: true
  csr:
    description:
      - The certificate request to sign, as PEM text (C(-----BEGIN CERTIFICATE REQUEST-----)),
        for example the C(server.csr) of a member's store read with M(ansible.builtin.slurp).
      - One of C(csr) and C(csr_base64) is required.
    type: str
  csr_base64:
    description:
      - The certificate request as base64 of its PEM text - the C(content) that
        M(ansible.builtin.slurp) returns - decoded here, so that a request that is no base64 or no
        text fails this task (or this loop item) alone, where C(b64decode) in a template would fail
        the whole loop.
    type: str
  executable:
    description:
      - The C(hostpki) launcher on the CA host.
      - A bare name is looked up on C(PATH), then in C(/opt/hostpki/bin).
    type: str
    default: hostpki
  validity:
    description:
      - How long the certificate lasts, as C(90d), C(12h) or ISO-8601 (C(P90D)). At most the
        CA host's C(ca.policy.maxValidity).
      - Default - the CA host's C(server.validity), at most C(ca.policy.maxValidity).
    type: str
  names:
    description:
      - The names and addresses of the host the request comes from (DNS names, C(*.BASE),
        addresses, networks). A request asking for any other is refused, on top of
        C(ca.policy), so that a member that is taken over cannot get a certificate for another
        member's names (hostpki sign C(--names)).
      - Take them from what the CA host knows of the member, never from the member's own variables.
        A module's C(ansible_facts) become variables of the host it ran on, so a member taken over
        decides those, even in a task delegated to the CA host. The fleet playbook reads them from
        the CA host's C(hostpki_fleet_names).
      - An empty list, or an empty name in it, is refused - nothing is signed - rather than taken as
        no limit.
      - Default (left out) - any name C(ca.policy) allows.
    type: list
    elements: str
  lock_timeout:
    description:
      - How long to wait for another writer of the CA store (another sign, an apply), as C(30s)
        or C(2m); a bare number counts seconds (C(45) is C(45s)), as Ansible's timeouts do. Signs for
        several hosts at once take turns.
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
  - The request's key must be RSA of 2048 bits or more, EC on P-256, P-384 or P-521, or Ed25519,
    and its signature must verify; other requests fail the task.
  - C(hostpki) exit codes map as follows. C(0) signed or already issued, C(2) a certificate would
    be issued (check mode), C(1) refused or an error - the module fails with the error lines of
    C(hostpki) as C(msg), and nothing was signed.
seealso:
  - module: hostpki.pki.store
  - module: hostpki.pki.revoke
author:
  - hostpki contributors
"""

EXAMPLES = r"""
- name: Read the member's certificate request
  ansible.builtin.slurp:
    src: /var/lib/hostpki/pki/server.csr
  register: request

- name: Have the CA host sign it
  hostpki.pki.sign:
    config: /etc/hostpki/ca.yaml
    csr: "{{ request.content | b64decode }}"
    executable: /opt/hostpki/bin/hostpki
  delegate_to: "{{ groups['ca'][0] }}"
  register: signed

- name: Hand the chain to the member, whose next apply imports it
  ansible.builtin.copy:
    content: "{{ signed.chain }}"
    dest: /etc/hostpki/incoming/chain.pem
    mode: "0644"
"""

RETURN = r"""
changed:
  description: Whether a new certificate was issued (in check mode - would be issued).
  returned: always
  type: bool
  sample: true
chain:
  description: The certificate, then the CA certificate that signed it, as PEM.
  returned: when a certificate was issued or handed out again (not for a check-mode run that would issue one)
  type: str
  sample: "-----BEGIN CERTIFICATE-----\nMIIB2j...\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n...\n"
serial:
  description: The certificate's serial number in upper-case hex; the CA store records it as C(issued/SERIAL.crt).
  returned: when C(chain) is
  type: str
  sample: 736CA667D18618D506D8ABFA86AD497D
not_after:
  description: When the certificate expires (ISO-8601, UTC).
  returned: when C(chain) is
  type: str
  sample: "2027-02-25T07:33:37Z"
sha256:
  description: The certificate's SHA-256 fingerprint, lower-case hex without colons.
  returned: when C(chain) is
  type: str
  sample: 3f9a0c5e7b2d4a61c8e0f1d2b3a4958677e6d5c4b3a29180f7e6d5c4b3a29180
record:
  description: Where the CA host keeps its copy of the certificate (C(issued/SERIAL.crt) in its store).
  returned: when C(chain) is
  type: str
  sample: /var/lib/hostpki/ca/issued/736CA667D18618D506D8ABFA86AD497D.crt
subject:
  description: The certificate's subject (RFC 4514), or in check mode the subject it would get.
  returned: success
  type: str
  sample: CN=m1.fleet.test
dns_names:
  description: The certificate's DNS name SANs.
  returned: success
  type: list
  elements: str
  sample: [m1.fleet.test, m1]
ip_addresses:
  description: The certificate's IP address SANs.
  returned: success
  type: list
  elements: str
  sample: [192.0.2.11]
generation:
  description: The CA store generation that recorded the new certificate.
  returned: when a new certificate was issued
  type: str
  sample: "..2026_11_27_08_33_37.141214827"
msg:
  description: On failure, the error lines C(hostpki) printed, for example the SANs the policy refuses.
  returned: failure
  type: str
  sample: "refused: dNSName db.other.example is outside ca.policy.allowedDomains [*.corp.example]"
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

import base64

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hostpki.pki.plugins.module_utils.hostpki import (
    find_executable, finish, lock_timeout_argument, run_with_file, terminal_text)


def result_of(output):
    request = output.get("request") or {}
    result = dict(
        changed=bool(output.get("changed")),
        subject=request.get("subject"),
        dns_names=request.get("dns_names", []),
        ip_addresses=request.get("ip_addresses", []),
    )
    certificate = output.get("certificate")
    if output.get("chain") and isinstance(certificate, dict):
        result.update(
            chain=output["chain"], serial=certificate["serial"], not_after=certificate["not_after"],
            sha256=certificate["sha256"], record=certificate["file"])
    if output.get("generation"):
        result["generation"] = output["generation"]
    return result


def decoded_request(module, content):
    """The PEM text of a request given as base64 (slurp's content)."""
    try:
        return base64.b64decode(content.strip(), validate=True).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        module.fail_json(
            msg="csr_base64 is not base64 of a PEM certificate request: nothing was signed; pass the content"
            " that ansible.builtin.slurp returns for the request file")


def main():
    module = AnsibleModule(
        argument_spec=dict(
            config=dict(type="path", required=True),
            csr=dict(type="str"),
            csr_base64=dict(type="str"),
            executable=dict(type="str", default="hostpki"),
            validity=dict(type="str"),
            names=dict(type="list", elements="str"),
            lock_timeout=dict(type="str", default="30s"),
        ),
        required_one_of=[("csr", "csr_base64")],
        mutually_exclusive=[("csr", "csr_base64")],
        supports_check_mode=True,
    )
    params = module.params
    if params["csr_base64"] is not None:
        params["csr"] = decoded_request(module, params["csr_base64"])
    names = params["names"]
    if names is not None and not names:
        module.fail_json(
            msg="names is empty: nothing was signed. An empty list would limit nothing, so it is refused rather"
            " than taken as every name ca.policy allows; give the names and addresses of the host the request"
            " comes from, or leave names out")
    if names is not None and any(not name.strip() for name in names):
        module.fail_json(
            msg="names holds an empty name (%s): nothing was signed; give the names and addresses of the host the"
            " request comes from" % terminal_text(repr(names)))
    if "BEGIN" not in params["csr"]:
        module.fail_json(
            msg="csr must be a PEM certificate request (-----BEGIN CERTIFICATE REQUEST-----); read a"
            " file with slurp and pass \"{{ result.content | b64decode }}\"")
    hostpki = find_executable(module, "CA host")

    command = [hostpki, "sign", "-f", params["config"], "--output", "json", "--lock-timeout",
               lock_timeout_argument(params["lock_timeout"])]
    if params["validity"]:
        command += ["--validity", params["validity"]]
    for name in params["names"] or []:
        command += ["--names", name]
    if module.check_mode:
        command.append("--check")
    rc, stdout, stderr = run_with_file(module, command, "--csr", params["csr"], ".csr", "the request (csr)")
    finish(module, rc, stdout, stderr, result_of)


if __name__ == "__main__":
    main()
