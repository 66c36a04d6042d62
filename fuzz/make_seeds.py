#!/usr/bin/env python3
"""Writes the committed seed corpora fuzz/corpus/<harness>/ from ../shared/vectors and hand-made cases.

Run it again after the vectors or a harness's input format change:
    python3 fuzz/make_seeds.py [VECTORS_DIR]   (default: ../shared/vectors next to the checkout)
Seeds stay small (a fuzzer mutates them; big files only slow it down)."""
import base64, glob, json, os, sys, urllib.parse, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTORS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "vectors")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
MAX_SEED = 8192
NOW = 1800000000
ISS = "https://issuer.example.com"
AUD = "https://verifier.example.org"
NONCE = "n-0S6_WzA2Mj"
HOLDER = {"kty": "EC", "crv": "P-256", "x": "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc",
          "y": "ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ"}
ISSUER = {"kty": "EC", "crv": "P-256", "x": "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ",
          "y": "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"}

seeds = {}


def add(harness, name, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) <= MAX_SEED:
        seeds.setdefault(harness, {})[name] = data


def b64d(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64e(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


# --- JSON reader ---------------------------------------------------------------------------------------------------
for i, text in enumerate([
        '{}', '[]', '"x"', '0', '-0.0', '1e308', '1e999999', '123456789012345678901234567890', '{"a":1,"a":2}',
        '\ufeff{}', '{"a":"\\ud800"}', '{"a":"\\ud83d\\ude00"}', '"\xff"', '[' * 40 + ']' * 40, '{"a":[{"b":[{}]}]}',
        '{"a":1} x', ' \t\n{"k" : [true,false,null, 1.5e-3]} ', '{"\\u0000":"\\u001f"}', '[1,2,]', "{'a':1}"]):
    add("json", f"case_{i:02d}", text)
for path in sorted(glob.glob(os.path.join(VECTORS, "openid4vp", "*", "*.json")))[:8]:
    add("json", "vp_" + os.path.basename(path), read(path))

# --- SD-JWT vectors -------------------------------------------------------------------------------------------------
cases = sorted(glob.glob(os.path.join(VECTORS, "sd-jwt", "*", "*", "generated")))
compact_count = 0
for gen in cases:
    case = os.path.basename(os.path.dirname(gen))
    for kind in ("sd_jwt_presentation.txt", "sd_jwt_issuance.txt"):
        path = os.path.join(gen, kind)
        if os.path.exists(path) and compact_count < 40:
            text = read(path).strip()
            add("sd_jwt_compact", f"{case}_{kind[7:-4]}", text)
            compact_count += 1
            parts = text.decode().split("~")
            add("jws", f"{case}_issuer_jwt", parts[0])
            if parts[-1]:
                add("jws", f"{case}_kb_jwt", parts[-1])
                add("kb_jwt", f"{case}_raw", parts[-1])
            for n, disclosure in enumerate(parts[1:-1][:3]):
                add("disclosure", f"{case}_{n}", b64d(disclosure))
    for kind in ("sd_jwt_presentation.json", "sd_jwt_issuance.json"):
        path = os.path.join(gen, kind)
        if os.path.exists(path):
            value = json.loads(read(path))
            if isinstance(value, str):
                value = json.loads(value)
            add("sd_jwt_json", f"{case}_{kind[7:-5]}", json.dumps(value))

# Structured, re-signed presentations for fuzz_sd_jwt_verify: the vectors' payloads and disclosures, made to fit
# the harness's trust list (iss), clock and KB-JWT policy.
verify_count = 0
for gen in cases:
    case = os.path.basename(os.path.dirname(gen))
    path = os.path.join(gen, "sd_jwt_presentation.txt")
    if not os.path.exists(path) or verify_count >= 25:
        continue
    parts = read(path).decode().strip().split("~")
    header_b64, payload_b64, _ = parts[0].split(".")
    payload = json.loads(b64d(payload_b64))
    payload["iss"] = ISS
    payload["iat"] = NOW - 3600
    if "exp" in payload:
        payload["exp"] = NOW + 3600
    disclosures = [b64d(d) for d in parts[1:-1]]
    if any(b"\n" in d for d in disclosures):
        continue
    lines = [compact(json.loads(b64d(header_b64))), compact(payload)] + [d.decode() for d in disclosures]
    add("sd_jwt_verify", f"{case}_nokb", "\n".join(lines))
    if parts[-1]:
        kb_payload = {"nonce": NONCE, "aud": AUD, "iat": NOW, "sd_hash": "@SD_HASH@"}
        add("sd_jwt_verify", f"{case}_kb",
            "\n".join(lines + ["~KB", '{"alg":"ES256","typ":"kb+jwt"}', compact(kb_payload)]))
    verify_count += 1

# Hand-made SD-JWT VCs with @Dn@ digests.
vc_header = '{"alg":"ES256","typ":"dc+sd-jwt"}'
d0 = '["2GLC42sKQveCfGfryNRN9w","given_name","Erika"]'
d1 = '["eluV5Og3gSNII8EYnsxA_A","address",{"_sd":["@D2@"],"country":"DE"}]'
d2 = '["6Ij7tM-a5iVPGboS5tmvVA","locality","Köln"]'
d3 = '["lklxF5jMYlGTPUovMNIvCA","FR"]'
base = {"iss": ISS, "vct": "https://credentials.example.com/identity_credential", "iat": NOW - 3600,
        "exp": NOW + 3600, "cnf": {"jwk": HOLDER}, "_sd_alg": "sha-256"}
vc = dict(base, _sd=["@D0@", "@D1@"], nationalities=["DE", {"...": "@D3@"}],
          status={"status_list": {"idx": 3, "uri": ISS + "/status/1"}})
kb = ['~KB', '{"alg":"ES256","typ":"kb+jwt"}', compact({"nonce": NONCE, "aud": AUD, "iat": NOW, "sd_hash": "@SD_HASH@"})]
add("sd_jwt_verify", "vc_nested", "\n".join([vc_header, compact(vc), d0, d1, d2, d3] + kb))
add("sd_jwt_verify", "vc_nested_nokb", "\n".join([vc_header, compact(vc), d0, d1, d2, d3]))
add("sd_jwt_verify", "vc_duplicate_digest", "\n".join([vc_header, compact(dict(base, _sd=["@D0@", "@D0@"])), d0] + kb))
add("sd_jwt_verify", "vc_sd_alg_384", "\n".join([vc_header, compact(dict(base, _sd=["@D0@"], _sd_alg="sha-384")), d0]))
add("sd_jwt_verify", "plain_no_vct", "\n".join(['{"alg":"ES256"}', compact({"iss": ISS, "_sd": ["@D0@"]}), d0]))

# --- KB-JWT ---------------------------------------------------------------------------------------------------------
kb_header = '{"alg":"ES256","typ":"kb+jwt"}'
for name, payload in [
        ("valid", {"nonce": NONCE, "aud": AUD, "iat": NOW, "sd_hash": "@SD_HASH@"}),
        ("wrong_hash", {"nonce": NONCE, "aud": AUD, "iat": NOW, "sd_hash": "abc"}),
        ("old", {"nonce": NONCE, "aud": AUD, "iat": NOW - 1000, "sd_hash": "@SD_HASH@"}),
        ("future", {"nonce": NONCE, "aud": AUD, "iat": NOW + 1000, "sd_hash": "@SD_HASH@"}),
        ("aud_array", {"nonce": NONCE, "aud": [AUD], "iat": NOW, "sd_hash": "@SD_HASH@"}),
        ("extra", {"nonce": NONCE, "aud": AUD, "iat": NOW, "sd_hash": "@SD_HASH@", "exp": NOW + 60, "nbf": NOW})]:
    add("kb_jwt", name, kb_header + "\n" + compact(payload))
add("kb_jwt", "typ_jwt", '{"alg":"ES256","typ":"JWT"}\n' + compact({"nonce": NONCE, "aud": AUD, "iat": NOW, "sd_hash": "@SD_HASH@"}))
add("kb_jwt", "alg_none", '{"alg":"none","typ":"kb+jwt"}\n' + compact({"nonce": NONCE, "aud": AUD, "iat": NOW}))

# --- JWS ------------------------------------------------------------------------------------------------------------
wycheproof_jws = json.loads(read(os.path.join(VECTORS, "wycheproof", "json_web_signature_test.json")))
jws_count = 0
for group in wycheproof_jws["testGroups"]:
    for test in group["tests"]:
        if isinstance(test.get("jws"), str) and jws_count < 20:
            add("jws", f"wycheproof_{test['tcId']}", test["jws"])
            jws_count += 1
for name, header in [("crit", {"alg": "ES256", "crit": ["b64"], "b64": False}), ("none", {"alg": "none"}),
                     ("eddsa", {"alg": "EdDSA", "kid": "k1"}), ("jwk_header", {"alg": "ES256", "jwk": ISSUER})]:
    add("jws", name, b64e(compact(header).encode()) + "." + b64e(b'{"iss":"x"}') + "." + b64e(b"\x01" * 64))

# --- JWK ------------------------------------------------------------------------------------------------------------
add("jwk", "issuer", compact(ISSUER))
add("jwk", "holder", compact(HOLDER))
add("jwk", "issuer_private", compact(dict(ISSUER, d="Ur2bNKuBPOrAaxsRnbSH6hIhmNTxSGXshDSUD1a1y7g")))
add("jwk", "issuer_full", compact(dict(ISSUER, kid="k1", use="sig", alg="ES256", key_ops=["verify"])))
add("jwk", "ed25519", compact({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}))
add("jwk", "ed25519_private", compact({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                                        "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}))
add("jwk", "rsa", '{"kty":"RSA","n":"AQAB","e":"AQAB"}')
add("jwk", "trust_file", compact({"issuers": [{"iss": ISS, "jwks": {"keys": [ISSUER]}}, {"iss": "https://b.example", "resolve": "metadata"}]}))
wycheproof_jwk = json.loads(read(os.path.join(VECTORS, "wycheproof", "json_web_key_test.json")))
jwk_count = 0
for group in wycheproof_jwk["testGroups"]:
    for key in ("private", "public"):
        if isinstance(group.get(key), dict) and jwk_count < 12:
            add("jwk", f"wycheproof_{jwk_count}", compact(group[key]))
            jwk_count += 1
try:
    jwks = json.loads(read(os.path.join(VECTORS, "openid4vci", "issuer_jwks.json")), strict=False)
except ValueError:
    jwks = {}
for n, key in enumerate(jwks.get("keys", [])[:3]):
    add("jwk", f"vci_{n}", compact(key))

# --- Disclosures ----------------------------------------------------------------------------------------------------
for name, text in [("property", d0), ("nested", d1), ("element", d3), ("sd_name", '["salt","_sd",1]'),
                   ("dots", '["salt","...",1]'), ("four", '["a","b","c","d"]'), ("number_salt", '[1,"b","c"]')]:
    add("disclosure", name, text)

# --- DCQL -----------------------------------------------------------------------------------------------------------
for path in sorted(glob.glob(os.path.join(VECTORS, "openid4vp", "query_lang", "*.json"))):
    add("dcql", os.path.basename(path)[:-5], read(path))
vct = "https://credentials.example.com/identity_credential"
add("dcql", "claim_sets", compact({"credentials": [{"id": "pid", "format": "dc+sd-jwt", "meta": {"vct_values": [vct]},
    "claims": [{"id": "a", "path": ["age_equal_or_over", "18"]}, {"id": "b", "path": ["birthdate"]},
               {"id": "n", "path": ["nationalities", None]}], "claim_sets": [["a"], ["b", "n"]]}]}))
add("dcql", "values_sets", compact({"credentials": [
    {"id": "pid", "format": "dc+sd-jwt", "meta": {"vct_values": [vct]}, "multiple": True,
     "claims": [{"path": ["address", "country"], "values": ["DE", "AT"]}, {"path": ["degrees", 1, "year"], "values": [2003]}]},
    {"id": "dip", "format": "dc+sd-jwt", "meta": {"vct_values": ["https://credentials.example.com/diploma"]},
     "require_cryptographic_holder_binding": False, "claims": [{"path": ["courses", None]}]}],
    "credential_sets": [{"options": [["pid"], ["dip"]], "required": True}, {"options": [["dip"]], "required": False}]}))

# --- Status lists ---------------------------------------------------------------------------------------------------
status = json.loads(read(os.path.join(VECTORS, "status-list", "status_list_test_vectors.json")))
header = '{"alg":"ES256","typ":"statuslist+jwt"}'
for n, vector in enumerate(status["vectors"]):
    lst = vector["status_list"]
    add("status_list_inflate", f"vector_{n}", bytes([{1: 0, 2: 1, 4: 2, 8: 3}.get(lst["bits"], 0)]) + b64d(lst["lst"]))
    payload = {"sub": ISS + "/status/1", "iat": NOW - 60, "exp": NOW + 3600, "ttl": 300, "status_list": lst}
    add("status_list_token", f"vector_{n}", header + "\n" + compact(payload))
for bits, raw in [(1, b"\x00"), (2, b"\xc9\x44"), (8, bytes(range(16))), (1, b"\xff" * 64)]:
    add("status_list_inflate", f"small_{bits}_{len(raw)}", bytes([{1: 0, 2: 1, 4: 2, 8: 3}[bits]]) + zlib.compress(raw, 9))
    lst = {"bits": bits, "lst": b64e(zlib.compress(raw, 9))}
    add("status_list_token", f"small_{bits}_{len(raw)}", header + "\n" + compact({"sub": ISS + "/status/1", "iat": NOW - 60, "status_list": lst}))
add("status_list_inflate", "trailing", b"\x00" + zlib.compress(b"\x01", 9) + b"xx")
add("status_list_inflate", "truncated", b"\x00" + zlib.compress(b"\x01" * 100, 9)[:-3])
add("status_list_inflate", "raw_deflate", b"\x00" + zlib.compress(b"\x01" * 10, 9)[2:-4])
add("status_list_token", "wrong_typ", '{"alg":"ES256","typ":"JWT"}\n' + compact({"sub": ISS + "/status/1", "iat": NOW, "status_list": {"bits": 1, "lst": "eNpjAAAAAQAB"}}))

# --- Wallet links ---------------------------------------------------------------------------------------------------
def vp_link(params, prefix="openid4vp://"):
    return prefix + "?" + urllib.parse.urlencode(params)

dcql_simple = compact({"credentials": [{"id": "age", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:veil:credential:age"]},
                                        "claims": [{"path": ["age_over_18"]}]}]})
by_value = {"client_id": "redirect_uri:https://verifier.example.org/response", "response_type": "vp_token",
            "response_mode": "direct_post", "response_uri": "https://verifier.example.org/response",
            "nonce": NONCE, "state": "s1", "dcql_query": dcql_simple}
add("authorization_request", "by_value", vp_link(by_value))
add("authorization_request", "by_value_loopback", vp_link(dict(by_value, client_id="redirect_uri:http://127.0.0.1:8703/response",
                                                              response_uri="http://127.0.0.1:8703/response"), "openid4vp://authorize"))
add("authorization_request", "client_metadata", vp_link(dict(by_value, client_metadata=compact({"vp_formats_supported": {"dc+sd-jwt": {}}}))))
add("authorization_request", "x509_hash", vp_link({"client_id": "x509_hash:abc", "request": "eyJhbGciOiJFUzI1NiIsInR5cCI6Im9hdXRoLWF1dGh6LXJlcStqd3QifQ.e30.c2ln"}))
add("authorization_request", "bare_query", "?" + urllib.parse.urlencode(dict(by_value, redirect_uri="https://x")))
add("authorization_request", "transaction_data", vp_link(dict(by_value, transaction_data="W10")))
add("authorization_request", "request_uri", vp_link({"client_id": "x509_san_dns:verifier.example.org", "request_uri": "https://verifier.example.org/r/1"}))
add("authorization_request", "bad_escape", "openid4vp://?client_id=%zz&nonce=1")

for path in sorted(glob.glob(os.path.join(VECTORS, "openid4vci", "credential_offer_*"))):
    text = read(path).decode()
    body = text[text.find("{"):] if path.endswith(".txt") else text
    try:
        offer = json.loads(body)
    except ValueError:
        continue
    name = os.path.basename(path).rsplit(".", 1)[0]
    if "credential_issuer" in offer:
        add("credential_offer", name, "openid-credential-offer://?credential_offer=" + urllib.parse.quote(compact(offer)))
    else:
        add("credential_offer", name, "openid-credential-offer://?" + urllib.parse.urlencode(offer))
add("credential_offer", "loopback", "openid-credential-offer://?credential_offer=" + urllib.parse.quote(compact(
    {"credential_issuer": "http://127.0.0.1:8701", "credential_configuration_ids": ["age"],
     "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "abc",
                "tx_code": {"input_mode": "numeric", "length": 6, "description": "PIN"}}}})))
add("credential_offer", "by_reference", "OPENID-CREDENTIAL-OFFER://x?credential_offer_uri=https%3A%2F%2Fissuer.example.com%2Foffers%2F1")

# --- HTTP bodies ----------------------------------------------------------------------------------------------------
def wallet(route, body, content_type=0):
    return bytes([route, content_type]) + (body if isinstance(body, bytes) else body.encode())

add("wallet_body", "approve", wallet(0, compact({"selections": {"age": "@CRED@"}, "optional_claims": {"age": [["age_over_21"]]}})))
add("wallet_body", "approve_remember", wallet(0, compact({"selections": {"age": ["@CRED@"]}, "remember": {"expires_at": NOW + 86400, "max_per_day": 3}})))
add("wallet_body", "rule", wallet(1, compact({"verifier_client_id": "redirect_uri:https://verifier.example.org/response",
    "credential_id": "@CRED@", "claims": [["age_over_18"], ["address", "country"]], "expires_at": NOW + 86400, "max_per_day": 5}), 1))
add("wallet_body", "always_ask", wallet(2, compact({"claims": [["age_over_21"], ["address"]]})))
add("wallet_body", "request", wallet(3, compact({"request": vp_link(by_value)})))
add("wallet_body", "request_loopback", wallet(3, compact({"request": vp_link(dict(by_value, client_id="redirect_uri:http://127.0.0.1:9/response", response_uri="http://127.0.0.1:9/response"))})))
add("wallet_body", "content_type", wallet(4, "application/json; charset=UTF-8"))
add("wallet_body", "text_plain", wallet(0, "{}", 2))

def issuer(route, body):
    return bytes([route]) + body.encode()

add("issuer_body", "token", issuer(0, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=@CODE@&tx_code=123456"))
add("issuer_body", "token_repeated", issuer(0, "grant_type=a&grant_type=b"))
add("issuer_body", "credential", issuer(1, compact({"credential_configuration_id": "age", "proofs": {"jwt": [
    "eyJhbGciOiJFUzI1NiIsInR5cCI6Im9wZW5pZDR2Y2ktcHJvb2Yrand0IiwiandrIjp7Imt0eSI6IkVDIn19.e30.c2ln"]}})))
add("issuer_body", "credential_batch", issuer(1, compact({"credential_configuration_id": "person", "proofs": {"jwt": ["a.b.c", "a.b.c"]},
                                                          "credential_response_encryption": {}})))
add("issuer_body", "offer", issuer(2, compact({"credential_configuration_id": "age", "claims": {"age_over_18": True}, "tx_code": True})))
add("issuer_body", "offer_person", issuer(2, read(os.path.join(ROOT, "schemas", "person", "example_claims.json")).decode().join(
    ['{"credential_configuration_id":"person","claims":', '}'])))
add("issuer_body", "list", issuer(3, "cursor=0&limit=10"))
add("issuer_body", "status", issuer(4, "abc123/revoke"))
add("issuer_body", "bearer", issuer(5, "Bearer abc.def-ghi"))

# --- write ------------------------------------------------------------------------------------------------------
for harness, files in sorted(seeds.items()):
    folder = os.path.join(CORPUS, harness)
    # regression_* seeds are inputs that once crashed a harness: kept, never regenerated.
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        if not old.startswith("regression_"):
            os.remove(os.path.join(folder, old))
    for name, data in sorted(files.items()):
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        with open(os.path.join(folder, safe), "wb") as f:
            f.write(data)
    print(f"{harness}: {len(files)} seeds")
