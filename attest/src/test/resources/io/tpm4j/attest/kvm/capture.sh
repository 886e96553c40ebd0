#!/bin/sh
# Captures the kernel VM's event logs and PCRs for tpm4j-attest's tests. Run on the host, from the project root:
#   VMRUN_SEABIOS=1 VMRUN_APPEND="ima_policy=tcb" ../shared/tools/kernel-vm/vmrun -- \
#     sh attest/src/test/resources/io/tpm4j/attest/kvm/capture.sh "$PWD/attest/src/test/resources/io/tpm4j/attest/kvm"
# IMA (ima_policy=tcb) measures every program and library root runs: each tool is run once first so that reading
# the PCRs and copying the lists adds no entry in between, and the lists match the PCRs read.
set -eu
out="$1"
pcrs="0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23"
banks="sha1:$pcrs+sha256:$pcrs+sha384:$pcrs+sha512:$pcrs"
tpm2_pcrread -T device:/dev/tpmrm0 "$banks" >/dev/null
cp /sys/kernel/security/ima/ascii_runtime_measurements /dev/null
cat /proc/cmdline >/dev/null
uname -a >/dev/null
tpm2_pcrread -T device:/dev/tpmrm0 "$banks" >"$out/pcrs.yaml"
cp /sys/kernel/security/tpm0/binary_bios_measurements "$out/binary_bios_measurements"
cp /sys/kernel/security/ima/binary_runtime_measurements "$out/ima_binary_runtime_measurements"
cp /sys/kernel/security/ima/ascii_runtime_measurements "$out/ima_ascii_runtime_measurements"
cat /proc/cmdline >"$out/cmdline.txt"
uname -srv >"$out/uname.txt"
