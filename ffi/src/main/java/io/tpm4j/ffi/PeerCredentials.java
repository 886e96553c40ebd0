package io.tpm4j.ffi;

/** The process at the other end of a Unix-socket connection, as the kernel recorded it at connect time. */
public record PeerCredentials(int pid, int uid, int gid) {
    @Override
    public String toString() {
        return "pid " + pid + " uid " + uid + " gid " + gid;
    }
}
