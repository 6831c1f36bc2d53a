#!/usr/bin/env python3
"""Generates the Sparkplug B golden payloads for transforms/sparkplug_golden_test.go.

The payloads are encoded by an independent implementation: the Eclipse Tahu reference
Python helpers (sparkplug_b.py: addMetric, addNullMetric, addHistoricalMetric) and the
protobuf classes generated from Tahu's sparkplug_b.proto, both as shipped by the PyPI package
mqtt-spb-wrapper (with the protobuf runtime it depends on); DataSet and Template values are built on the
generated classes as Tahu's initDatasetMetric and initTemplateMetric leave them. expected.json records what was
encoded, from this script's own inputs, for the Go test to compare with what the Go decoder
(protowire, field numbers written by hand) makes of the bytes.

    python3 -m venv /tmp/spbvenv && /tmp/spbvenv/bin/pip install mqtt-spb-wrapper==2.1.2
    cd transforms/testdata/sparkplug && /tmp/spbvenv/bin/python gen_golden.py
"""
import base64
import json

from mqtt_spb_wrapper.spb_protobuf import sparkplug_b as spb
from mqtt_spb_wrapper.spb_protobuf.sparkplug_b_pb2 import Payload

T = spb.MetricDataType
TS = 1700000000000  # payload timestamp, ms
MTS = 1700000000500  # metric timestamp, ms

# name, alias, datatype, datatype name, value, Connect field
METRICS = [
    ("int8", 1, T.Int8, "Int8", -5, "int_value"),
    ("int16", 2, T.Int16, "Int16", -300, "int_value"),
    ("int32", 3, T.Int32, "Int32", -70000, "int_value"),
    ("int64", 4, T.Int64, "Int64", -5000000000, "long_value"),
    ("uint8", 5, T.UInt8, "UInt8", 250, "int_value"),
    ("uint16", 6, T.UInt16, "UInt16", 65000, "int_value"),
    ("uint32", 7, T.UInt32, "UInt32", 4000000000, "long_value"),
    ("uint64", 8, T.UInt64, "UInt64", 9000000000000000000, "long_value"),
    ("float", 9, T.Float, "Float", 1.5, "float_value"),
    ("double", 10, T.Double, "Double", 2.25, "double_value"),
    ("boolean", 11, T.Boolean, "Boolean", True, "boolean_value"),
    ("string", 12, T.String, "String", "h\u00e9llo", "string_value"),
    ("datetime", 13, T.DateTime, "DateTime", 1699999999999, "long_value"),
    ("text", 14, T.Text, "Text", "some text", "string_value"),
    ("uuid", 15, T.UUID, "UUID", "0b2e9f5e-8f3c-4a47-9d1e-2f8f5c1b7a10", "string_value"),
    ("bytes", 16, T.Bytes, "Bytes", b"\x00\x01\xfe\xff", "bytes_value"),
    ("file", 17, T.File, "File", b"file contents", "bytes_value"),
]

# The values of the NDATA (by alias only) and DDATA: other values, negative where signed.
DATA_VALUES = {
    "int8": -128, "int16": 32767, "int32": -2147483648, "int64": -1, "uint8": 0, "uint16": 1,
    "uint32": 4294967295, "uint64": 0, "float": -0.25, "double": 1e300, "boolean": False,
    "string": "", "datetime": 0, "text": "t", "uuid": "u", "bytes": b"", "file": b"\x01",
}


def jsonable(v):
    if isinstance(v, bytes):
        return {"base64": base64.b64encode(v).decode()}
    return v


def expect(name, alias, dtname, field, value, is_null=False, historical=False):
    return {"name": name, "alias": alias, "datatype": dtname, "timestamp": MTS, "is_null": is_null,
            "is_historical": historical, "field": field, "value": None if is_null else jsonable(value)}


def payload(seq):
    p = Payload()
    p.timestamp = TS
    if seq is not None:
        p.seq = seq
    return p


files = []


def write(fname, topic, p, seq, metrics):
    with open(fname, "wb") as f:
        f.write(p.SerializeToString())
    files.append({"file": fname, "topic": topic, "timestamp": TS if p.HasField("timestamp") else None,
                  "seq": seq, "metrics": metrics})


# NBIRTH: bdSeq, every scalar type with an alias, a null and a historical metric.
p = payload(0)
exp = []
spb.addMetric(p, "bdSeq", None, T.Int64, 7, MTS)
exp.append(expect("bdSeq", None, "Int64", "long_value", 7))
for name, alias, dt, dtname, value, field in METRICS:
    spb.addMetric(p, name, alias, dt, value, MTS)
    exp.append(expect(name, alias, dtname, field, value))
m = spb.addNullMetric(p, "nothing", 18, T.Int32)
m.timestamp = MTS
exp.append(expect("nothing", 18, "Int32", "int_value", None, is_null=True))
m = spb.addHistoricalMetric(p, "old", 19, T.Double, 3.5)
m.timestamp = MTS
exp.append(expect("old", 19, "Double", "double_value", 3.5, historical=True))
write("nbirth.bin", "spBv1.0/Plant1/NBIRTH/Edge1", p, 0, exp)

# NDATA: aliases only (no names), as Sparkplug allows after a BIRTH with aliases.
p = payload(1)
exp = []
for name, alias, dt, dtname, _, field in METRICS:
    spb.addMetric(p, None, alias, dt, DATA_VALUES[name], MTS)
    exp.append(expect(name, alias, dtname, field, DATA_VALUES[name]))
write("ndata.bin", "spBv1.0/Plant1/NDATA/Edge1", p, 1, exp)

# DBIRTH and DDATA of device Dev1 (its own aliases 100+).
p = payload(2)
spb.addMetric(p, "temperature", 100, T.Float, 21.5, MTS)
spb.addMetric(p, "running", 101, T.Boolean, True, MTS)
write("dbirth.bin", "spBv1.0/Plant1/DBIRTH/Edge1/Dev1", p, 2,
      [expect("temperature", 100, "Float", "float_value", 21.5), expect("running", 101, "Boolean", "boolean_value", True)])
p = payload(3)
spb.addMetric(p, None, 100, T.Float, 22.75, MTS)
spb.addNullMetric(p, None, 101, T.Boolean).timestamp = MTS
write("ddata.bin", "spBv1.0/Plant1/DDATA/Edge1/Dev1", p, 3,
      [expect("temperature", 100, "Float", "float_value", 22.75), expect("running", 101, "Boolean", "boolean_value", None, is_null=True)])

# NDEATH: bdSeq only, no seq and no timestamp (as Tahu's getNodeDeathPayload).
p = Payload()
spb.addMetric(p, "bdSeq", None, T.Int64, 7, MTS)
write("ndeath.bin", "spBv1.0/Plant1/NDEATH/Edge1", p, None, [expect("bdSeq", None, "Int64", "long_value", 7)])

# NBIRTH of another edge node with a DataSet and a Template (DataType 16 and 19). The Go
# transform renders their cells, parameter and member metric values as text (a Template
# nested in a Template as JSON); the texts below are what it must make of Tahu's encoding.
p = payload(0)
exp = []
spb.addMetric(p, "bdSeq", None, T.Int64, 1, MTS)
exp.append(expect("bdSeq", None, "Int64", "long_value", 1))
D = spb.DataSetDataType
ds = spb.initDatasetMetric(p, "table", 20, ["id", "temp", "state", "ok", "when", "big", "pressure"],
                           [D.Int32, D.Float, D.String, D.Boolean, D.DateTime, D.UInt64, D.Double])
p.metrics[-1].timestamp = MTS
for row in ([-7 + 2**32, 21.5, "running", True, 1700000000000, 18000000000000000000, 1.25],
            [3, -0.25, "stopped", False, 0, 0, None]):
    r = ds.rows.add()
    for (kind, v) in zip(("int_value", "float_value", "string_value", "boolean_value", "long_value", "long_value", "double_value"), row):
        e = r.elements.add()
        if v is not None:
            setattr(e, kind, v)
exp.append(expect("table", 20, "DataSet", "dataset_value", {
    "num_of_columns": 7,
    "columns": ["id", "temp", "state", "ok", "when", "big", "pressure"],
    "types": ["Int32", "Float", "String", "Boolean", "DateTime", "UInt64", "Double"],
    "rows": [["-7", "21.5", "running", "true", "2023-11-14T22:13:20.000Z", "18000000000000000000", "1.25"],
             ["3", "-0.25", "stopped", "false", "1970-01-01T00:00:00.000Z", "0", None]],
}))
tmpl = spb.initTemplateMetric(p, "motor1", 21, "Motor")
p.metrics[-1].timestamp = MTS
tmpl.version = "1.0"
par = tmpl.parameters.add()
par.name, par.type, par.string_value = "maker", spb.ParameterDataType.String, "ACME"
par = tmpl.parameters.add()
par.name, par.type, par.int_value = "poles", spb.ParameterDataType.Int16, 4
spb.addMetric(tmpl, "rpm", None, T.Int32, -12, MTS)
spb.addMetric(tmpl, "running", None, T.Boolean, True, MTS)
inner = tmpl.metrics.add()
inner.name, inner.datatype, inner.timestamp = "gearbox", T.Template, MTS
inner.template_value.template_ref = "Gearbox"
spb.addMetric(inner.template_value, "ratio", None, T.Double, 2.5, MTS)
inner_json = json.dumps({"template_ref": "Gearbox", "parameters": [], "metrics": [
    {"name": "ratio", "datatype": "Double", "timestamp": MTS, "is_null": False, "value": 2.5}]},
    sort_keys=True, separators=(",", ":"))
exp.append(expect("motor1", 21, "Template", "template_value", {
    "version": "1.0", "template_ref": "Motor", "is_definition": False,
    "parameters": [{"name": "maker", "type": "String", "value": "ACME"}, {"name": "poles", "type": "Int16", "value": "4"}],
    "metrics": [
        {"name": "rpm", "alias": None, "timestamp": MTS, "datatype": "Int32", "is_null": False, "value": "-12"},
        {"name": "running", "alias": None, "timestamp": MTS, "datatype": "Boolean", "is_null": False, "value": "true"},
        {"name": "gearbox", "alias": None, "timestamp": MTS, "datatype": "Template", "is_null": False, "value": inner_json},
    ],
}))
write("complex.bin", "spBv1.0/Plant1/NBIRTH/Edge2", p, 0, exp)

with open("expected.json", "w") as f:
    json.dump(files, f, indent=1)
    f.write("\n")
