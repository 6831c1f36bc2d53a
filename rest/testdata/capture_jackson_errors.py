#!/usr/bin/env python3
"""Captures jackson_errors.json: Apache Kafka Connect's answers to malformed and odd request
bodies, which rest/jsonbody_test.go replays against the Go decoder.

Run against the oracle of the real stack (it creates nothing: no body names a connector class
and the offsets endpoint targets a connector that does not exist):
    . .stack/env && python3 rest/testdata/capture_jackson_errors.py
"""
import json, os, urllib.request, urllib.error

C = os.environ.get("TRIBUTARY_TEST_CONNECT", "http://127.0.0.1:18083")
ENDPOINTS = {
    "config": ("PUT", "/connector-plugins/X/config/validate"),           # Map<String,String>
    "create": ("POST", "/connectors"),                                   # CreateConnectorRequest
    "offsets": ("PATCH", "/connectors/jackson-probe-nonexistent/offsets"),  # ConnectorOffsets
}
COMMON = ['{"a":x}', '{"a":xyz}', '{"a":tru}', '{"a":true1}', '{"a" 1}', '{"a":1,}', '{"a":1 "b":2}',
          '{"a":"b', '{"a":01}', '{"a":1.}', '{"a":-}', '{"a":"\\q"}', "{'a':1}", '{"a":1}}',
          '{"a":1} {"b":2}', '{"a":1} x', '{"a":[1]}', '{"a":{"b":1}}', '[', '{', '{"a":@}',
          '{"a":"x\ny"}', '{\n"a":\nx}', '{"a":"\u00e9", "b":x}', '{"a":1', '{"a"', '{"a":',
          '{"a":"x"', '{"a":"x",', '"x"', '5', '5.5', 'true', 'false', '[]', '[1 2]', '{"a":1x}',
          '{"a":1e}', '{"a":.5}', '{"a":+1}', '{"a":True}', '{"a":nul}', '{"a":"\\u00zz"}',
          '{"a":"b"}]', '{"a":-01}', '{"a":1.5.5}', '{"a":"x"}/', '/', '{"a":1}\nx', '{"\u00e9":x}',
          '{"a":1}\r\n\r\n x', '  {"a":x}', '{"a"\t:\t1 ,}', '{"a":"x"} "y"', '{"a":"x"} 5',
          '{"a":"x"} [', '{"a":"x"} null', 'null x', '{"a":1.5e3}', '{"a":true}', '{"a":null}',
          '{"a":1,"a":2}', '{"a":"\\u0041\\n"}', '{"a":1E+2}', '{"a":-0.5}', '{"a":0}', '{"a":[1,2}',
          '{"a":{"b":}}', '{"a":{"b" 1}}', '{"a":"\\uD83D\\uDE00"}', '{"a":"x"}  ', '{"a":"\\',
          '{"a":}', '{"a":]}', '{"a":"x",}', '}', ']', '[1,]']
SPECIFIC = {
    "config": [],
    "create": ['{"name":"a","foo":1}', '{"foo":1,"name":"a"}', '{"name":"a","foo":{"x":1},"config":{}}',
               '{"name":"a","foo":1 }', '{"name":[1]}', '{"name":{}}', '{"config":[]}',
               '{"config":{"a":[]}}', '{"config":"x"}', '{"name":null,"config":null}',
               '{"initial_state":"x","name":"a"}', '{"initial_state":5}', '{"initial_state":[]}',
               '{"initial_state":{}}', '{"initial_state":""}', '{"initial_state":true,"name":"a"}',
               '{"name":5,"config":{"x":"1"}}', '{"name":"a","config":{"x":1},"initial_state":"paused"}',
               '{"name":"a","config":{"x":1,"y":[]}}', '{"name":"a","config":{"x":{"y":1}}}',
               '{"config":{"a":1},"foo":[1}', '{"name":"a","config":5}', '{"name":true}',
               '{"config":{"a":x}}', '{"name":x}', '{"foo":x}', '{"config":{"a":"\\q"}}',
               '{"config":{"a":}}', '{"config":{"a":1]}', '{"initial_state":x}',
               '{"config":{},"name":"a","initial_state":"paused","foo":"x"}',
               '{"config":{},"name":"a","initial_state":"paused","foo":{"x":1}}',
               '{"config":{},"name":"a","initial_state":"paused","foo":[1]}',
               '{"config":{},"name":"a","initial_state":"paused","foo":true}'],
    "offsets": ['{"offsets":{}}', '{"offsets":"x"}', '{"offsets":[1]}', '{"offsets":[null]}',
                '{"offsets":[{"partition":1}]}', '{"offsets":[{"partition":[]}]}', '{"x":1}',
                '{"offsets":[{"foo":1}]}', '{"offsets":[{"partition":{"a":1},"offset":null}]}',
                '{"offsets":[{"partition":null,"offset":null}]}',
                '{"offsets":[{"partition":{"a":[1]},"offset":{"b":{"c":1}}}]}',
                '{"offsets":[{"partition":"x"}]}', '{"offsets":[{"partition":{"a":1},"offset":5}]}',
                '{"offsets":5}', '{"offsets":[],"x":2}', '{"offsets":[{"partition":{"a":x}}]}',
                '{"offsets":[[]]}', '{"offsets":["x"]}', '{"offsets":[{"partition":x}]}', '{"offsets":x}',
                '{"offsets":[x]}', '{"offsets":[{"partition":{"a":{"b":x}}}]}',
                '{"offsets":[{"partition":{"a":[x]}}]}', '{"offsets":[{"partition":{},"offset":{},"z":1}]}',
                '{"offsets":[{"partition":{"a":1,}}]}', '{"offsets":[{"partition":{"a":[1,]}}]}'],
}

out = []
for kind, (method, path) in ENDPOINTS.items():
    for body in COMMON + SPECIFIC[kind]:
        req = urllib.request.Request(C + path, data=body.encode(), method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            r = urllib.request.urlopen(req)
            code, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            code, text = e.code, e.read().decode()
        msg = json.loads(text).get("message", "") if text else ""
        # A 500 that is neither a NullPointerException nor a wrapped herder exception is Jackson's.
        jackson = code == 500 and not msg.startswith("Cannot invoke") and not msg.startswith("org.apache")
        out.append({"kind": kind, "body": body, "status": code, "message": msg, "jackson_error": jackson})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "jackson_errors.json"), "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(len(out), "bodies,", sum(o["jackson_error"] for o in out), "Jackson errors")
