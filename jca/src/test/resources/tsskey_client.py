"""tpm2-pytss's TSSPrivKey as a client of tpm4j's server: key files made and used by pytss, one step per process.

usage: tsskey_client.py TCTI create ecc|rsa FILE [PASSWORD]
       tsskey_client.py TCTI sign FILE DIGEST_FILE SIGNATURE_FILE [PASSWORD]
The signature is written as a marshalled TPMT_SIGNATURE (ECDSA or RSASSA with SHA-256).
"""
import sys
from pathlib import Path

from tpm2_pytss import ESAPI
from tpm2_pytss.constants import TPM2_ALG, TPM2_RH, TPM2_ST
from tpm2_pytss.tsskey import TSSPrivKey
from tpm2_pytss.types import TPMT_SIG_SCHEME, TPMT_TK_HASHCHECK


def password(args, index):
    return args[index].encode() if len(args) > index else None


def main():
    tcti, step = sys.argv[1:3]
    args = sys.argv[3:]
    with ESAPI(tcti) as esys:
        if step == "create":
            kind, file = args[0], args[1]
            make = TSSPrivKey.create_ecc if kind == "ecc" else TSSPrivKey.create_rsa
            key = make(esys, password=password(args, 2))
            Path(file).write_bytes(key.to_pem())
        elif step == "sign":
            key = TSSPrivKey.from_pem(Path(args[0]).read_bytes())
            handle = key.load(esys, password=password(args, 3))
            is_ecc = key.public.publicArea.type == TPM2_ALG.ECC
            scheme = TPMT_SIG_SCHEME(scheme=TPM2_ALG.ECDSA if is_ecc else TPM2_ALG.RSASSA)
            scheme.details.any.hashAlg = TPM2_ALG.SHA256
            digest = Path(args[1]).read_bytes()
            signature = esys.sign(handle, digest, scheme,
                                  TPMT_TK_HASHCHECK(tag=TPM2_ST.HASHCHECK, hierarchy=TPM2_RH.NULL))
            Path(args[2]).write_bytes(signature.marshal())
            esys.flush_context(handle)
        else:
            raise SystemExit("unknown step " + step)


if __name__ == "__main__":
    main()
