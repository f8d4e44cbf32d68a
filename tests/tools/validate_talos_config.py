#!/usr/bin/python3
"""Validates Talos machine-config files against a published Talos config JSON schema with the
real `jsonschema` package (Debian python3-jsonschema), applying only the allowances of talos.md
section 4.8: fields Talos accepts but hides from its schema are removed before validation.

Usage: validate_talos_config.py SCHEMA CONFIG... ; exit 0 when every document of every file is
valid, 1 otherwise (each problem printed as FILE: document N: path: message).
"""
import os
import sys

import jsonschema
import yaml

HIDDEN_TOP = ["persist"]
HIDDEN_MACHINE = ["disks", "systemDiskEncryption"]
HIDDEN_INSTALL = ["extensions", "bootloader"]
# From v1.12 machine.install.extraKernelArgs is accepted but no longer in the schema.
HIDDEN_INSTALL_FROM_1_12 = ["extraKernelArgs"]


def schema_minor(schema_path):
    """The minor version of the schema's directory name (reference/talos/v1.12/… → 12)."""
    version = os.path.basename(os.path.dirname(os.path.abspath(schema_path)))
    return int(version.split(".")[1]) if version.startswith("v1.") else 99


def strip_allowances(doc, minor):
    if "kind" in doc:
        return doc
    for key in HIDDEN_TOP:
        doc.pop(key, None)
    machine = doc.get("machine") or {}
    for key in HIDDEN_MACHINE:
        machine.pop(key, None)
    for key in HIDDEN_INSTALL + (HIDDEN_INSTALL_FROM_1_12 if minor >= 12 else []):
        (machine.get("install") or {}).pop(key, None)
    for iface in (machine.get("network") or {}).get("interfaces") or []:
        iface.pop("cidr", None)
        for vlan in iface.get("vlans") or []:
            vlan.pop("cidr", None)
    cluster = doc.get("cluster") or {}
    cluster.pop("allowSchedulingOnMasters", None)
    (cluster.get("etcd") or {}).pop("subnet", None)
    return doc


def branch_for(schema, doc):
    """The oneOf branch of the document's kind, so errors point inside the document."""
    kind = doc.get("kind")
    for branch in schema["oneOf"]:
        name = branch["$ref"].split("/")[-1]
        props = schema["$defs"][name].get("properties", {})
        branch_kind = (props.get("kind") or {}).get("enum", [None])[0]
        if branch_kind == kind or (kind is None and name == "v1alpha1.Config"):
            return {"$schema": schema["$schema"], "$ref": branch["$ref"], "$defs": schema["$defs"]}
    return schema


def main():
    schema = yaml.safe_load(open(sys.argv[1]))
    validator_class = jsonschema.validators.validator_for(schema)
    failures = 0
    for path in sys.argv[2:]:
        for i, doc in enumerate(yaml.safe_load_all(open(path)), start=1):
            if doc is None:
                continue
            validator = validator_class(branch_for(schema, doc))
            for error in validator.iter_errors(strip_allowances(doc, schema_minor(sys.argv[1]))):
                failures += 1
                where = "/".join(str(p) for p in error.absolute_path)
                print(f"{path}: document {i}: {where}: {error.message[:300]}")
    return 1 if failures else 0


sys.exit(main())
