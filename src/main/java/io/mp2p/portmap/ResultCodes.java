package io.mp2p.portmap;

import java.util.Map;

/** Names of PCP (RFC 6887 §7.4), NAT-PMP (RFC 6886 §3.5) and UPnP-IGD (WANIPConnection:2 §2.5) result codes, for messages. */
final class ResultCodes {
    /** The most of a router's own error text quoted in a message. */
    static final int MAX_TEXT = 80;
    /** The most digits a UPnP number may have here (port, error code). */
    static final int MAX_DIGITS = 9;
    private static final String[] PCP = {"SUCCESS", "UNSUPP_VERSION", "NOT_AUTHORIZED", "MALFORMED_REQUEST",
        "UNSUPP_OPCODE", "UNSUPP_OPTION", "MALFORMED_OPTION", "NETWORK_FAILURE", "NO_RESOURCES", "UNSUPP_PROTOCOL",
        "USER_EX_QUOTA", "CANNOT_PROVIDE_EXTERNAL", "ADDRESS_MISMATCH", "EXCESSIVE_REMOTE_PEERS"};
    private static final String[] NAT_PMP = {"Success", "Unsupported Version", "Not Authorized/Refused",
        "Network Failure", "Out of resources", "Unsupported opcode"};
    private static final Map<Integer, String> UPNP = Map.ofEntries(Map.entry(401, "Invalid Action"),
            Map.entry(402, "Invalid Args"), Map.entry(501, "Action Failed"), Map.entry(602, "Optional Action Not Implemented"),
            Map.entry(606, "Action not authorized"), Map.entry(714, "NoSuchEntryInArray"),
            Map.entry(715, "WildCardNotPermittedInSrcIP"), Map.entry(716, "WildCardNotPermittedInExtPort"),
            Map.entry(718, "ConflictInMappingEntry"), Map.entry(724, "SamePortValuesRequired"),
            Map.entry(725, "OnlyPermanentLeasesSupported"), Map.entry(726, "RemoteHostOnlySupportsWildcard"),
            Map.entry(727, "ExternalPortOnlySupportsWildcard"), Map.entry(728, "NoPortMapsAvailable"),
            Map.entry(729, "ConflictWithOtherMechanisms"));

    private ResultCodes() {
    }

    static String name(String protocol, int code) {
        if (protocol.equals("UPnP")) {
            return UPNP.getOrDefault(code, "unknown");
        }
        String[] names = protocol.equals("PCP") ? PCP : NAT_PMP;
        return code >= 0 && code < names.length ? names[code] : "unknown";
    }
}
