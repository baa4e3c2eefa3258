"""Known-answer tests for the primitives, in Python and in the browser module's WebCrypto.

RFC 5869 appendix A.1-A.3 (HKDF-SHA-256); the GCM specification's test cases 13-16 (AES-256-GCM,
McGrew and Viega, also in NIST's GCM validation set); RFC 5903 section 8.1 (ECDH P-256).
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from chat import e2ee
from tests.chat.conftest import run_js

HKDF_CASES = [
    {
        "name": "RFC 5869 A.1",
        "ikm": "0b" * 22,
        "salt": "000102030405060708090a0b0c",
        "info": "f0f1f2f3f4f5f6f7f8f9",
        "length": 42,
        "okm": "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    },
    {
        "name": "RFC 5869 A.2",
        "ikm": bytes(range(0x00, 0x50)).hex(),
        "salt": bytes(range(0x60, 0xB0)).hex(),
        "info": bytes(range(0xB0, 0x100)).hex(),
        "length": 82,
        "okm": (
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
            "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
            "cc30c58179ec3e87c14c01d5c1f3434f1d87"
        ),
    },
    {
        "name": "RFC 5869 A.3",
        "ikm": "0b" * 22,
        "salt": "",
        "info": "",
        "length": 42,
        "okm": "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    },
]

_K = "feffe9928665731c6d6a8f9467308308" * 2
_P = (
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
)
_C = (
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
)
GCM_CASES = [
    {"name": "GCM 13", "key": "00" * 32, "iv": "00" * 12, "pt": "", "aad": "", "ct": "",
     "tag": "530f8afbc74536b9a963b4f1c4cb738b"},
    {"name": "GCM 14", "key": "00" * 32, "iv": "00" * 12, "pt": "00" * 16, "aad": "",
     "ct": "cea7403d4d606b6e074ec5d3baf39d18", "tag": "d0d1c8a799996bf0265b98b5d48ab919"},
    {"name": "GCM 15", "key": _K, "iv": "cafebabefacedbaddecaf888", "pt": _P, "aad": "", "ct": _C,
     "tag": "b094dac5d93471bdec1a502270e3cc6c"},
    {"name": "GCM 16", "key": _K, "iv": "cafebabefacedbaddecaf888", "pt": _P[:120],
     "aad": "feedfacedeadbeeffeedfacedeadbeefabaddad2", "ct": _C[:120],
     "tag": "76fc6ece0f4e1768cddf8853bb2d551b"},
]  # fmt: skip

ECDH_CASE = {
    "name": "RFC 5903 8.1",
    "i": "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
    "gi": "04dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
    "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
    "r": "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
    "gr": "04d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
    "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
    "girx": "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de",
}


@pytest.mark.parametrize("case", HKDF_CASES, ids=lambda c: c["name"])
def test_it_matches_rfc5869_hkdf(case: dict) -> None:
    okm = HKDF(
        algorithm=hashes.SHA256(),
        length=case["length"],
        salt=bytes.fromhex(case["salt"]) or None,
        info=bytes.fromhex(case["info"]),
    ).derive(bytes.fromhex(case["ikm"]))
    assert okm.hex() == case["okm"]


@pytest.mark.parametrize("case", GCM_CASES, ids=lambda c: c["name"])
def test_it_matches_gcm_aes256_vectors(case: dict) -> None:
    aead = AESGCM(bytes.fromhex(case["key"]))
    sealed = aead.encrypt(bytes.fromhex(case["iv"]), bytes.fromhex(case["pt"]), bytes.fromhex(case["aad"]) or None)
    assert sealed.hex() == case["ct"] + case["tag"]
    assert aead.decrypt(bytes.fromhex(case["iv"]), sealed, bytes.fromhex(case["aad"]) or None).hex() == case["pt"]


def test_it_matches_rfc5903_p256_ecdh() -> None:
    initiator = e2ee.private_key_from_hex(ECDH_CASE["i"])
    responder = e2ee.private_key_from_hex(ECDH_CASE["r"])
    assert e2ee.public_point(initiator.public_key()).hex() == ECDH_CASE["gi"]
    assert e2ee.public_point(responder.public_key()).hex() == ECDH_CASE["gr"]
    shared = initiator.exchange(ec.ECDH(), e2ee.load_point(bytes.fromhex(ECDH_CASE["gr"])))
    assert shared.hex() == ECDH_CASE["girx"]
    assert responder.exchange(ec.ECDH(), e2ee.load_point(bytes.fromhex(ECDH_CASE["gi"]))).hex() == ECDH_CASE["girx"]


BROWSER_KAT = """
const S = crypto.subtle;
const hex = E.fromHex, out = {hkdf: [], gcm: []};
for (const c of arg.hkdf) {
  const ikm = await S.importKey("raw", hex(c.ikm), "HKDF", false, ["deriveBits"]);
  const bits = await S.deriveBits({name: "HKDF", hash: "SHA-256", salt: hex(c.salt), info: hex(c.info)},
                                  ikm, c.length * 8);
  out.hkdf.push(E.toHex(new Uint8Array(bits)));
}
for (const c of arg.gcm) {
  const key = await S.importKey("raw", hex(c.key), {name: "AES-GCM"}, false, ["encrypt", "decrypt"]);
  const params = {name: "AES-GCM", iv: hex(c.iv), additionalData: hex(c.aad)};
  const sealed = new Uint8Array(await S.encrypt(params, key, hex(c.pt)));
  const opened = new Uint8Array(await S.decrypt(params, key, sealed));
  out.gcm.push([E.toHex(sealed), E.toHex(opened)]);
}
const e = arg.ecdh, gi = hex(e.gi), gr = hex(e.gr);
const jwk = (d, p) => ({d: E.b64e(hex(d)), x: E.b64e(p.slice(1, 33)), y: E.b64e(p.slice(33))});
const i = await E.importPrivateJwk(jwk(e.i, gi), "ecdh");
const r = await E.importPrivateJwk(jwk(e.r, gr), "ecdh");
const grKey = await E.importPoint(gr, {usage: "ecdh"});
const giKey = await E.importPoint(gi, {usage: "ecdh"});
out.ecdh = [
  E.toHex(new Uint8Array(await S.deriveBits({name: "ECDH", public: grKey}, i, 256))),
  E.toHex(new Uint8Array(await S.deriveBits({name: "ECDH", public: giKey}, r, 256))),
];
return out;
"""


@pytest.mark.browser
def test_it_matches_the_known_answers_in_the_browser(e2ee_page) -> None:
    result = run_js(e2ee_page, BROWSER_KAT, {"hkdf": HKDF_CASES, "gcm": GCM_CASES, "ecdh": ECDH_CASE})
    assert result["hkdf"] == [case["okm"] for case in HKDF_CASES]
    assert result["gcm"] == [[case["ct"] + case["tag"], case["pt"]] for case in GCM_CASES]
    assert result["ecdh"] == [ECDH_CASE["girx"], ECDH_CASE["girx"]]
