#!/usr/bin/env python3
"""Independent generator of the node-record vectors with unicast endpoints (spec/ADDRESSING.md §7.5).

Uses Python's ipaddress and the `cryptography` package's Ed25519, nothing from the Java code.
Prints JSON entries to append to node-records.json."""
import base64, ipaddress, json, struct
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

LABEL = b"mp2p-node-record-v1"

def addr_field(text, port):
    a = ipaddress.ip_address(text)
    fam = 4 if a.version == 4 else 6
    return bytes([fam]) + a.packed.ljust(16, b"\0") + struct.pack(">H", port)

def fmt(text, port):
    a = ipaddress.ip_address(text)
    return (str(a) if a.version == 4 else "[" + str(a) + "]") + ":" + str(port)

def entry(seed_byte, group, port, expires, endpoints):
    seed = bytes([seed_byte]) * 32
    sk = Ed25519PrivateKey.from_private_bytes(seed)
    pk = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    signed = LABEL + pk + addr_field(group, port) + struct.pack(">Q", expires)
    if endpoints:
        signed += bytes([len(endpoints)]) + b"".join(addr_field(h, p) for h, p in endpoints)
    sig = sk.sign(signed)
    text = "mp2p://" + pk.hex() + "@" + fmt(group, port) + "?expires=" + str(expires)
    text += "".join("&ep=" + fmt(h, p) for h, p in endpoints)
    text += "&sig=" + base64.urlsafe_b64encode(sig).decode().rstrip("=")
    return {"seed": seed.hex(), "public_key": pk.hex(), "group": str(ipaddress.ip_address(group)), "port": port,
            "expires": expires, "endpoints": [fmt(h, p) for h, p in endpoints],
            "signed_bytes": signed.hex(), "signature": sig.hex(), "text": text}

print(json.dumps([
    entry(7, "ff1e::7", 41414, 1767312000, [("2001:db8:1::2", 41415), ("198.51.100.7", 50000)]),
    entry(8, "239.192.0.8", 41414, 1767312000, [("2001:db8:0:2:0:0:0:10", 65535), ("203.0.113.9", 1),
                                                ("2001:db8::3", 41415), ("192.0.2.1", 41414)]),
], indent=2))
