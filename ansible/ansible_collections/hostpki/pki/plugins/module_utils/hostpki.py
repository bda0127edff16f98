# -*- coding: utf-8 -*-
# Copyright: hostpki contributors
# Apache License 2.0 (see LICENSE)
"""What the hostpki modules share: finding the executable and reading its errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import stat
import tempfile

# Where the release tarball is usually unpacked (and the example systemd units point).
DEFAULT_DIRS = ["/opt/hostpki/bin"]

# Every form of error line hostpki prints on standard error: "error: ..." (most), "FILE: error: ..."
# (a file that cannot be read at all), "FILE:LINE: error: ..." and "FILE:LINE:COL: error: ..."
# (validation).
ERROR_LINE = re.compile(r"^(error: |\S.*?: error: )")


def terminal_text(text, keep_lines=False):
    """Text from outside made safe for a terminal, as hostpki's TerminalText makes it: C0 and C1
    controls, DEL, U+2028/U+2029 and the bidi overrides and isolates become escapes (\\t, \\n, \\r,
    \\xNN up to U+00FF, \\uNNNN above); with keep_lines, line breaks stay. Escaped text comes out as
    it went in."""
    out = []
    for ch in text:
        c = ord(ch)
        unsafe = (c < 0x20 or 0x7f <= c <= 0x9f or c in (0x2028, 0x2029) or 0x202a <= c <= 0x202e
                  or 0x2066 <= c <= 0x2069)
        if not unsafe or (keep_lines and ch == "\n"):
            out.append(ch)
        elif ch in "\t\n\r":
            out.append({"\t": "\\t", "\n": "\\n", "\r": "\\r"}[ch])
        else:
            out.append(("\\x%02x" if c <= 0xff else "\\u%04x") % c)
    return "".join(out)


def find_executable(module, where):
    """The hostpki executable named by the module's `executable` parameter, or fail saying `where`."""
    name = module.params["executable"]
    if "/" in name:
        if not os.access(name, os.X_OK):
            module.fail_json(msg="hostpki executable %s does not exist or is not executable on the %s"
                             % (terminal_text(name), where))
        return name
    found = module.get_bin_path(name, required=False, opt_dirs=DEFAULT_DIRS)
    if not found:
        module.fail_json(
            msg="hostpki executable '%s' not found on PATH or in %s on the %s; install hostpki"
            " there or set executable to its path" % (terminal_text(name), ", ".join(DEFAULT_DIRS), where))
    return found


def only_yours(folder):
    """Whether no one but the user the module runs as (or root) can change what `folder` holds: it
    and every folder above it are owned by that user or root, and writable by their owner alone,
    or sticky (/tmp). hostpki reads a desired state only from such a place (its StrictModes)."""
    me = os.geteuid()
    path = os.path.realpath(folder)
    while True:
        try:
            info = os.stat(path)
        except OSError:
            return False
        if info.st_uid not in (me, 0) or (info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX):
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def private_folder(module):
    """Where to write a file hostpki must trust (an inline desired state): the module's temporary
    folder, unless Ansible made it for another user - the login user of a task with `become`,
    whose folder hostpki refuses (that user could swap the file) - then the system's temporary
    folder (/tmp), else /tmp itself."""
    for folder in (module.tmpdir, tempfile.gettempdir(), "/tmp"):
        if only_yours(folder):
            return folder
    return module.tmpdir


def error_lines(stderr, strip_prefix=False):
    """hostpki's error lines (and their indented continuations), without warnings or hook output."""
    kept = []
    keeping = False
    for line in stderr.splitlines():
        if ERROR_LINE.match(line):
            kept.append(line[len("error: "):] if strip_prefix and line.startswith("error: ") else line)
            keeping = True
        elif keeping and line.startswith((" ", "\t")):
            kept.append(line)
        else:
            keeping = False
    return "\n".join(kept) if kept else stderr.strip()


def diagnostic_lines(stdout, strip_prefix=False):
    """The errors of the JSON document hostpki prints on standard output when a command run with
    --output json fails, one line each as its text form prints them on standard error
    (FILE:LINE:COL: error: MESSAGE, error: MESSAGE), with their details indented; None when stdout
    holds no such document (an older hostpki)."""
    try:
        document = json.loads(stdout)
    except ValueError:
        return None
    if not isinstance(document, dict) or not isinstance(document.get("diagnostics"), list):
        return None
    lines = []
    for diagnostic in document["diagnostics"]:
        if not isinstance(diagnostic, dict) or diagnostic.get("severity") != "error":
            continue
        place = diagnostic.get("file") or ""
        if place and diagnostic.get("line"):
            place += ":%d" % diagnostic["line"]
            if diagnostic.get("column"):
                place += ":%d" % diagnostic["column"]
        message = str(diagnostic.get("message", ""))
        if place:
            lines.append("%s: error: %s" % (place, message))
        else:
            lines.append(message if strip_prefix else "error: " + message)
        lines.extend("  " + str(detail) for detail in diagnostic.get("details") or [])
    return "\n".join(lines) or None


def lock_timeout_argument(value):
    """The task's lock_timeout as hostpki's --lock-timeout: a bare whole number counts seconds, as
    Ansible's own timeouts do (lock_timeout: 45 waits 45s); anything else goes as written."""
    text = str(value).strip()
    return text + "s" if re.match(r"^[0-9]+$", text) else text


# hostpki's advice for a secret's variable that is not set, which a task follows through its secrets
# (the task's environment keyword would show the value in ps and -vvv).
UNSET_VARIABLE = re.compile(r"environment variable (\S+) is not set or empty; export it before running hostpki")


def failure_message(stdout, stderr, strip_prefix=False, lock_timeout=None, secrets=False):
    """What a failed run says went wrong: its JSON diagnostics, else its error lines on standard
    error (every form), else all of standard error; escaped for a terminal (JSON carries outside
    text, a file name or a CA's problem, as it is). A store locked by another run (a timer's apply,
    hostpki watch) names the task's lock_timeout where hostpki names its --lock-timeout; with
    secrets (a module that has them), a secret's variable that is not set names the task's
    secrets where hostpki says to export it. A run that printed nothing on standard error says what
    it printed on standard output, or that it printed nothing (never an empty msg)."""
    text = terminal_text(diagnostic_lines(stdout, strip_prefix) or error_lines(stderr, strip_prefix)
                         or stdout.strip()[:2000], keep_lines=True)
    if not text.strip():
        text = ("hostpki failed but printed nothing on standard error or output (a launcher or wrapper that"
                " failed silently?); run the same command on the target by hand to see why")
    if lock_timeout is not None:
        text = text.replace("use --lock-timeout", "raise the task's lock_timeout (now %s)" % terminal_text(lock_timeout))
    if secrets:
        text = UNSET_VARIABLE.sub(
            r"environment variable \1 is not set or empty; give its value in the task's secrets"
            r" ({\1: ...}, no_log; not the environment keyword, which ps and -vvv show)", text)
    return text


def run_with_file(module, command, option, content, suffix, shown):
    """Runs `command` with `option FILE` added, FILE a temporary file holding `content`; its name in
    hostpki's messages is replaced by `shown`. Returns (rc, stdout, stderr)."""
    fd, path = tempfile.mkstemp(prefix="hostpki-", suffix=suffix, dir=module.tmpdir)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(content)
        rc, stdout, stderr = module.run_command(command + [option, path], environ_update={"NO_COLOR": "1"})
    finally:
        os.unlink(path)
    # Name the input by what it is, not by a temporary file that is gone.
    return rc, stdout.replace(path, shown), stderr.replace(path, shown)


def finish(module, rc, stdout, stderr, result_of):
    """Exits with result_of(the JSON object hostpki printed) for exit code 0 or 2, its notes as
    warnings; fails with hostpki's error lines otherwise."""
    try:
        output = json.loads(stdout)
    except ValueError:
        output = None
    if rc in (0, 2) and isinstance(output, dict) and "changed" in output:
        for note in output.get("notes", []):
            module.warn(terminal_text(note))
        module.exit_json(**result_of(output))
    if rc == 1:
        module.fail_json(msg=failure_message(stdout, stderr, True, module.params["lock_timeout"]), rc=rc,
                         stderr=stderr)
    fail_unexpected(module, rc, stdout, stderr)


# An option of a command line the modules make, as hostpki's usage errors name it: "invalid value for
# option '--validity': ..." (picocli), "--names: ..." (hostpki's own checks).
USAGE_OPTION = re.compile(r"(?:(for) option '|(?<=error: ))(--(lock-timeout|validity|names|serial|reason|replace))'?(?=:)")


def fail_unexpected(module, rc, stdout, stderr, **result):
    """Fails for an exit code the module does not expect, or an expected one without the JSON result:
    64 (a parameter value hostpki refuses), 126/127 (the launcher could not start Java), a signal."""
    if rc == 64:
        why = "exited with code 64 (a usage error: a parameter value it refuses, or a hostpki older than this module)"
    elif rc in (0, 2, 3):
        why = ("exited with code %d but printed no result this module can read (a hostpki older than this"
               " module, or another program)" % rc)
    elif rc in (126, 127):
        why = ("could not start (exit code %d: a program it runs is missing or not executable; hostpki needs"
               " Java 17 or later - install it, or point JAVA_HOME at one with the task's environment keyword)" % rc)
    elif rc < 0:
        why = "was killed by signal %d" % -rc
    elif rc == 137:
        why = ("was killed (exit code 137: the out-of-memory killer, or Java crashed and hostpki ended itself;"
               " the store is the old or the new generation, never a mix)")
    else:
        why = "exited with code %d, which it does not use (a hostpki older than this module?)" % rc
    printed = terminal_text(stderr.strip() or stdout.strip()[:2000], keep_lines=True)
    # the task's option, not the command line the module made (hostpki names the option it refused)
    printed = USAGE_OPTION.sub(lambda m: "%sthe task's %s (%s)" % (
        m.group(1) + " " if m.group(1) else "", m.group(3).replace("-", "_"), m.group(2)), printed)
    module.fail_json(msg="hostpki %s: %s" % (why, printed or "it printed nothing"), rc=rc, stderr=stderr, **result)
