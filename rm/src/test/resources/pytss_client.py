"""tpm2-pytss (ESAPI) as a client of tpm4j's RM server: one scenario step per process.

usage: pytss_client.py TCTI STEP DIR
Files in DIR carry keys, saved contexts and signatures between steps (and to and from the Java test).
"""
import sys
from pathlib import Path

from tpm2_pytss import ESAPI
from tpm2_pytss.constants import ESYS_TR, TPM2_ALG, TPM2_CAP, TPM2_HT, TPM2_RH, TPM2_SE, TPM2_ST, TPMA_NV, TPMA_OBJECT
from tpm2_pytss.types import (TPM2B_NV_PUBLIC, TPM2B_PUBLIC, TPM2B_PRIVATE, TPMS_CONTEXT, TPMS_NV_PUBLIC,
                              TPMT_SIGNATURE, TPMT_SIG_SCHEME, TPMT_SYM_DEF, TPMT_TK_HASHCHECK)

NV_INDEX = 0x1500017
PERSISTENT = 0x81000098
SERIALIZED_PERSISTENT = 0x81000097


def save(path, value):
    Path(path).write_bytes(value.marshal())


def load(path, kind):
    value, _ = kind.unmarshal(Path(path).read_bytes())
    return value


def transient_handles(esys):
    _, data = esys.get_capability(TPM2_CAP.HANDLES, TPM2_HT.TRANSIENT << 24, 64)
    return list(data.data.handles)


def signing_key_template():
    return TPM2B_PUBLIC.parse("ecc256:ecdsa-sha256", objectAttributes=TPMA_OBJECT.USERWITHAUTH | TPMA_OBJECT.SIGN_ENCRYPT
                              | TPMA_OBJECT.FIXEDTPM | TPMA_OBJECT.FIXEDPARENT | TPMA_OBJECT.SENSITIVEDATAORIGIN)


def primary(esys):
    handle, _, _, _, _ = esys.create_primary(None, "ecc256")
    return handle


def step(esys, name, d):
    if name == "keys":
        parent = primary(esys)
        private, public, _, _, _ = esys.create(parent, None, signing_key_template())
        save(d / "py.pub", public)
        save(d / "py.priv", private)
        key = esys.load(parent, private, public)
        save(d / "py.ctx", esys.context_save(key))
        esys.flush_context(key)
        esys.flush_context(parent)
    elif name == "sign":
        key = esys.context_load(load(d / "py.ctx", TPMS_CONTEXT))
        digest = (d / "digest.bin").read_bytes()
        scheme = TPMT_SIG_SCHEME(scheme=TPM2_ALG.ECDSA)
        scheme.details.any.hashAlg = TPM2_ALG.SHA256
        signature = esys.sign(key, digest, scheme, TPMT_TK_HASHCHECK(tag=TPM2_ST.HASHCHECK, hierarchy=TPM2_RH.NULL))
        esys.verify_signature(key, digest, signature)
        save(d / "py.sig", signature)
        esys.flush_context(key)
    elif name == "verify":
        key = esys.load_external(load(d / "java.pub", TPM2B_PUBLIC), None, ESYS_TR.NULL)
        esys.verify_signature(key, (d / "digest.bin").read_bytes(), load(d / "java.sig", TPMT_SIGNATURE))
        esys.flush_context(key)
    elif name == "session-start":
        session = esys.start_auth_session(ESYS_TR.NONE, ESYS_TR.NONE, TPM2_SE.POLICY,
                                          TPMT_SYM_DEF(algorithm=TPM2_ALG.NULL), TPM2_ALG.SHA256)
        save(d / "session.ctx", esys.context_save(session))
    elif name == "session-pcr":
        session = esys.context_load(load(d / "session.ctx", TPMS_CONTEXT))
        esys.policy_pcr(session, b"", "sha256:0")
        save(d / "session.ctx", esys.context_save(session))
    elif name == "session-auth":
        session = esys.context_load(load(d / "session.ctx", TPMS_CONTEXT))
        esys.policy_auth_value(session)
        print(bytes(esys.policy_get_digest(session)).hex())
        esys.flush_context(session)
    elif name == "trial":
        session = esys.start_auth_session(ESYS_TR.NONE, ESYS_TR.NONE, TPM2_SE.TRIAL,
                                          TPMT_SYM_DEF(algorithm=TPM2_ALG.NULL), TPM2_ALG.SHA256)
        esys.policy_pcr(session, b"", "sha256:0")
        esys.policy_auth_value(session)
        print(bytes(esys.policy_get_digest(session)).hex())
        esys.flush_context(session)
    elif name == "nv":
        data = b"written and read by tpm2-pytss.."
        public = TPM2B_NV_PUBLIC(nvPublic=TPMS_NV_PUBLIC(
            nvIndex=NV_INDEX, nameAlg=TPM2_ALG.SHA256, dataSize=len(data),
            attributes=TPMA_NV.OWNERWRITE | TPMA_NV.OWNERREAD | TPMA_NV.AUTHREAD | TPMA_NV.AUTHWRITE))
        index = esys.nv_define_space(None, public)
        try:
            esys.nv_write(index, data, 0, ESYS_TR.OWNER)
            read = bytes(esys.nv_read(index, len(data), 0, ESYS_TR.OWNER))
            assert read == data, read
            print(read.decode())
        finally:
            esys.nv_undefine_space(index)
    elif name == "persist":
        parent = primary(esys)
        persistent = esys.evict_control(ESYS_TR.OWNER, parent, PERSISTENT)
        esys.flush_context(parent)
        _, data = esys.get_capability(TPM2_CAP.HANDLES, TPM2_HT.PERSISTENT << 24, 64)
        assert PERSISTENT in list(data.data.handles), list(data.data.handles)
        esys.evict_control(ESYS_TR.OWNER, persistent, PERSISTENT)
    elif name == "handles":
        parent = primary(esys)
        private, public, _, _, _ = esys.create(parent, None, signing_key_template())
        key = esys.load(parent, private, public)
        print(" ".join("%08x" % h for h in transient_handles(esys)))
        esys.flush_context(key)
        esys.flush_context(parent)
    elif name == "flush-all":
        handles = transient_handles(esys)
        print(len(handles))
        for handle in handles:
            esys.flush_context(esys.tr_from_tpmpublic(handle))
    elif name == "clear":
        esys.clear(ESYS_TR.PLATFORM)
    elif name == "persist-and-serialize":
        key, _, _, _, _ = esys.create_primary(None, signing_key_template())
        persistent = esys.evict_control(ESYS_TR.OWNER, key, SERIALIZED_PERSISTENT)
        esys.flush_context(key)
        (d / "python.tr").write_bytes(esys.tr_serialize(persistent))
    elif name == "deserialize-and-sign":
        key = esys.tr_deserialize((d / "java.tr").read_bytes())
        print("%08x %s" % (esys.tr_get_tpm_handle(key), bytes(esys.tr_get_name(key)).hex()))
        scheme = TPMT_SIG_SCHEME(scheme=TPM2_ALG.ECDSA)
        scheme.details.any.hashAlg = TPM2_ALG.SHA256
        # An HMAC session puts the key's Name into the authorisation: a blob with a wrong Name fails it.
        session = esys.start_auth_session(ESYS_TR.NONE, ESYS_TR.NONE, TPM2_SE.HMAC,
                                          TPMT_SYM_DEF(algorithm=TPM2_ALG.NULL), TPM2_ALG.SHA256)
        try:
            signature = esys.sign(key, (d / "digest.bin").read_bytes(), scheme,
                                  TPMT_TK_HASHCHECK(tag=TPM2_ST.HASHCHECK, hierarchy=TPM2_RH.NULL), session1=session)
        finally:
            esys.flush_context(session)
        save(d / "python.sig", signature)
    else:
        raise SystemExit("unknown step " + name)


def main():
    tcti, name, directory = sys.argv[1:4]
    with ESAPI(tcti) as esys:
        step(esys, name, Path(directory))


if __name__ == "__main__":
    main()
