"""tpm2-pytss (ESAPI) steps for ServerContextFilesInteropTest: Esys_TR_Serialize blobs written and read.

usage: pytss_files.py TCTI STEP DIR
"""
import sys
from pathlib import Path

from tpm2_pytss import ESAPI
from tpm2_pytss.constants import ESYS_TR, TPM2_ALG, TPM2_RH, TPM2_SE, TPM2_ST, TPMA_OBJECT
from tpm2_pytss.types import TPM2B_PUBLIC, TPMT_SIG_SCHEME, TPMT_SYM_DEF, TPMT_TK_HASHCHECK

PYTHON_PERSISTENT = 0x81000097


def signing_template():
    return TPM2B_PUBLIC.parse("ecc256:ecdsa-sha256", objectAttributes=TPMA_OBJECT.USERWITHAUTH
                              | TPMA_OBJECT.SIGN_ENCRYPT | TPMA_OBJECT.FIXEDTPM | TPMA_OBJECT.FIXEDPARENT
                              | TPMA_OBJECT.SENSITIVEDATAORIGIN)


def hmac_session(esys):
    # The key's Name goes into the command's HMAC: a blob with a wrong Name fails the authorisation.
    return esys.start_auth_session(ESYS_TR.NONE, ESYS_TR.NONE, TPM2_SE.HMAC, TPMT_SYM_DEF(algorithm=TPM2_ALG.NULL),
                                   TPM2_ALG.SHA256)


def step(esys, name, d):
    if name == "persist-and-serialize":
        primary, _, _, _, _ = esys.create_primary(None, signing_template())
        persistent = esys.evict_control(ESYS_TR.OWNER, primary, PYTHON_PERSISTENT)
        esys.flush_context(primary)
        (d / "python.tr").write_bytes(esys.tr_serialize(persistent))
    elif name == "deserialize-and-sign":
        key = esys.tr_deserialize((d / "java.tr").read_bytes())
        print("%08x %s" % (esys.tr_get_tpm_handle(key), bytes(esys.tr_get_name(key)).hex()))
        scheme = TPMT_SIG_SCHEME(scheme=TPM2_ALG.ECDSA)
        scheme.details.any.hashAlg = TPM2_ALG.SHA256
        session = hmac_session(esys)
        try:
            signature = esys.sign(key, (d / "digest.bin").read_bytes(), scheme,
                                  TPMT_TK_HASHCHECK(tag=TPM2_ST.HASHCHECK, hierarchy=TPM2_RH.NULL), session1=session)
        finally:
            esys.flush_context(session)
        (d / "python.sig").write_bytes(signature.marshal())
    else:
        raise SystemExit("unknown step " + name)


def main():
    tcti, name, directory = sys.argv[1:4]
    with ESAPI(tcti) as esys:
        step(esys, name, Path(directory))


if __name__ == "__main__":
    main()
