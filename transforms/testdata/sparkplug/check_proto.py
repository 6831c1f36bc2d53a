#!/usr/bin/env python3
"""Checks sparkplug_b.proto (this folder) against the descriptor of Tahu's generated
sparkplug_b_pb2.py, as shipped by the PyPI packages mqtt-spb-wrapper and pysparkplug:
every message, field (name, number, type, label, oneof, type name), extension range and
enum value must be the same.

    python3 -m venv /tmp/protoc && /tmp/protoc/bin/pip install grpcio-tools
    /tmp/protoc/bin/python -m grpc_tools.protoc -I. --descriptor_set_out=/tmp/mine.pb sparkplug_b.proto
    python3 -m venv /tmp/spbvenv && /tmp/spbvenv/bin/pip install mqtt-spb-wrapper==2.1.2 pysparkplug
    /tmp/spbvenv/bin/python check_proto.py /tmp/mine.pb
"""
import importlib
import sys

from google.protobuf import descriptor_pb2

mine = descriptor_pb2.FileDescriptorSet()
with open(sys.argv[1], "rb") as f:
    mine.ParseFromString(f.read())
mine = mine.file[0]
mine.ClearField("source_code_info")


def strip_options(fd):
    """Clears what differs by protoc version only: file options and json_name."""
    fd.ClearField("options")

    def walk(msg):
        for f in msg.field:
            f.ClearField("json_name")
        for n in msg.nested_type:
            walk(n)

    for m in fd.message_type:
        walk(m)
    return fd


ok = True
for modname in ("mqtt_spb_wrapper.spb_protobuf.sparkplug_b_pb2", "pysparkplug._protobuf.sparkplug_b_pb2"):
    try:
        mod = importlib.import_module(modname)
    except ImportError as e:
        print("skip", modname, e)
        continue
    theirs = descriptor_pb2.FileDescriptorProto()
    mod.DESCRIPTOR.CopyToProto(theirs)
    a, b = strip_options(descriptor_pb2.FileDescriptorProto()), strip_options(descriptor_pb2.FileDescriptorProto())
    a.CopyFrom(mine)
    b.CopyFrom(theirs)
    strip_options(a), strip_options(b)
    a.ClearField("name"), b.ClearField("name")
    if a == b:
        print("same as", modname)
    else:
        ok = False
        print("DIFFERENT from", modname)
        print(a)
        print(b)
sys.exit(0 if ok else 1)
