# -*- coding: utf-8 -*-
# Copyright (c) hostpki contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0
"""hostpki.pki.store's action: runs the module on the target as Ansible would, and hands it the
task's place in the playbook (file, line, name), which only the controller knows. The module names
its inline desired state's temporary file after it, so that the store's record of who wrote it last
tells two tasks applying one store.path (each undoing the other on every run) from one task whose
desired state was edited."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml

from ansible.plugins.action import ActionBase


def occurrence(path, name, line):
    """Which task of that name in the file at path the one starting on line is: 1 for the first
    (or the only one, or when the file cannot be read as YAML, or the name has no literal twin, such as
    a templated one), 2 for the second, and so on. Two tasks of one name in one file (a copied play)
    must not share the key of the module's task_key; a task keeps its number when lines above it
    change, as it keeps its name."""
    try:
        line = int(line)
        with open(path, "rb") as f:
            root = yaml.compose(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:  # pylint: disable=broad-except
        return 1
    starts = []
    nodes = [root] if root is not None else []
    while nodes:
        node = nodes.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (isinstance(key, yaml.ScalarNode) and key.value == "name" and isinstance(value, yaml.ScalarNode)
                        and value.value == name):
                    starts.append(node.start_mark.line + 1)
                nodes.append(value)
        elif isinstance(node, yaml.SequenceNode):
            nodes.extend(node.value)
    if line not in starts:
        return 1
    return 1 + len([start for start in starts if start < line])


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        # As ansible.builtin.normal does: ActionBase.__init__ sets both on the instance (async off), so
        # class attributes would never be seen, and `async:` failed with "async is not supported".
        self._supports_check_mode = True
        self._supports_async = True
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp  # not used since ansible-core 2.5
        args = dict(self._task.args)
        if args.get("desired") is not None:
            path = self._task.get_path() or ""
            where, _colon, line = path.rpartition(":")
            where = where or path
            name = self._task.name or ""
            number = occurrence(where, name, line) if name and where != path else 1
            # relative to the playbook's folder: AWX and CI check a project out to a new folder each run
            top = (task_vars or {}).get("playbook_dir")
            if top and where.startswith(os.path.join(top, "")):
                where = os.path.relpath(where, top)
            args["_task"] = dict(file=where, line=line if where != path else "", name=name, occurrence=number,
                                 host=(task_vars or {}).get("inventory_hostname"))
        module = getattr(self._task, "resolved_action", None) or self._task.action
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result.update(self._execute_module(module_name=module, module_args=args, task_vars=task_vars,
                                           wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
