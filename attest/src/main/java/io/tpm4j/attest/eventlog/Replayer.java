package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.PcrValues;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Extends digests into PCRs the way a TPM does (new = H(old || digest)) and records which event went where. */
final class Replayer<E> {

    /** The banks Java can hash; a log's other banks (SM3) are left out of the replay. */
    static final Set<TpmAlg> REPLAYABLE = Set.of(TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512,
            TpmAlg.SHA3_256, TpmAlg.SHA3_384, TpmAlg.SHA3_512);

    private final Map<TpmAlg, MessageDigest> hashes = new EnumMap<>(TpmAlg.class);
    private final Map<TpmAlg, Map<Integer, byte[]>> values = new EnumMap<>(TpmAlg.class);
    private final Map<Integer, List<E>> events = new TreeMap<>();

    Replayer(Collection<TpmAlg> banks) {
        for (TpmAlg bank : banks) {
            if (REPLAYABLE.contains(bank)) {
                hashes.put(bank, Names.digest(bank));
                values.put(bank, new TreeMap<>());
            }
        }
    }

    Set<TpmAlg> banks() {
        return hashes.keySet();
    }

    int digestSize(TpmAlg bank) {
        return hashes.get(bank).getDigestLength();
    }

    MessageDigest hash(TpmAlg bank) {
        MessageDigest hash = hashes.get(bank);
        hash.reset();
        return hash;
    }

    /** Sets a PCR's value before any extension: PCR 0's locality byte, from the StartupLocality event. */
    void start(int index, int locality) {
        for (var bank : values.entrySet()) {
            byte[] initial = new byte[digestSize(bank.getKey())];
            initial[initial.length - 1] = (byte) locality;
            bank.getValue().putIfAbsent(index, initial);
        }
    }

    /** Records that {@code event} goes into PCR {@code index} (once per event, whatever its banks). */
    void record(E event, int index) {
        events.computeIfAbsent(index, i -> new ArrayList<>()).add(event);
    }

    void extend(int index, TpmAlg bank, byte[] digest) {
        MessageDigest hash = hash(bank);
        byte[] old = values.get(bank).computeIfAbsent(index, i -> new byte[hash.getDigestLength()]);
        hash.update(old);
        hash.update(digest);
        values.get(bank).put(index, hash.digest());
    }

    PcrReplay<E> result() {
        return new PcrReplay<>(PcrValues.of(values), events);
    }
}
