package io.mp2p.portmap;

/** Names of PCP (RFC 6887 §7.4) and NAT-PMP (RFC 6886 §3.5) result codes, for messages. */
final class ResultCodes {
    private static final String[] PCP = {"SUCCESS", "UNSUPP_VERSION", "NOT_AUTHORIZED", "MALFORMED_REQUEST",
        "UNSUPP_OPCODE", "UNSUPP_OPTION", "MALFORMED_OPTION", "NETWORK_FAILURE", "NO_RESOURCES", "UNSUPP_PROTOCOL",
        "USER_EX_QUOTA", "CANNOT_PROVIDE_EXTERNAL", "ADDRESS_MISMATCH", "EXCESSIVE_REMOTE_PEERS"};
    private static final String[] NAT_PMP = {"Success", "Unsupported Version", "Not Authorized/Refused",
        "Network Failure", "Out of resources", "Unsupported opcode"};

    private ResultCodes() {
    }

    static String name(String protocol, int code) {
        String[] names = protocol.equals("PCP") ? PCP : NAT_PMP;
        return code >= 0 && code < names.length ? names[code] : "unknown";
    }
}
