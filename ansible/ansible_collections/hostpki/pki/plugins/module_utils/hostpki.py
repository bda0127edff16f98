# -*- coding: utf-8 -*-
# Copyright: hostpki contributors
# Apache License 2.0 (see LICENSE)
"""What the hostpki modules share: finding the executable and reading its errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

# Where the release tarball is usually unpacked (and the example systemd units point).
DEFAULT_DIRS = ["/opt/hostpki/bin"]

# "FILE:LINE:COL: error: ..." (validation) and "error: ..." (everything else).
ERROR_LINE = re.compile(r"^(error: |.*:\d+:\d+: error: )")


def find_executable(module, where):
    """The hostpki executable named by the module's `executable` parameter, or fail saying `where`."""
    name = module.params["executable"]
    if "/" in name:
        if not os.access(name, os.X_OK):
            module.fail_json(msg="hostpki executable %s does not exist or is not executable on the %s" % (name, where))
        return name
    found = module.get_bin_path(name, required=False, opt_dirs=DEFAULT_DIRS)
    if not found:
        module.fail_json(
            msg="hostpki executable '%s' not found on PATH or in %s on the %s; install hostpki"
            " there or set executable to its path" % (name, ", ".join(DEFAULT_DIRS), where))
    return found


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
