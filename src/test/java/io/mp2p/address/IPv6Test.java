package io.mp2p.address;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IPv6Test {
    @ParameterizedTest
    @CsvSource({
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",      // RFC 5952 §4.2.2: one zero group stays
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",              // §4.2.3: the longest run
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",        // §4.2.3: the first of equal runs
            "0:0:0:0:0:0:0:0, ::",
            "0:0:0:0:0:0:0:1, ::1",
            "1:0:0:0:0:0:0:0, 1::",
            "FF1E:ABCD:0:0:0:0:0:0, ff1e:abcd::",
            "ff3e:0040:2001:0db8:0000:0000:8000:0001, ff3e:40:2001:db8::8000:1",
    })
    void formatsInRfc5952CanonicalForm(String input, String canonical) throws Exception {
        assertEquals(canonical, IPv6.format(IPv6.parse(input)));
    }

    @Test
    void randomAddressesRoundTripThroughTheirCanonicalText() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            byte[] a = new byte[16];
            rnd.nextBytes(a);
            // Zero some groups so that "::" runs of every length occur.
            for (int g = 0; g < 8; g++) {
                if (rnd.nextInt(3) == 0) {
                    a[2 * g] = 0;
                    a[2 * g + 1] = 0;
                }
            }
            String text = IPv6.format(a);
            assertArrayEquals(a, IPv6.parse(text), text);
            assertEquals(text.toLowerCase(Locale.ROOT), text);
            assertTrue(text.indexOf("::") == text.lastIndexOf("::"), text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4::5:6:7:8",
            "12345::", "g::", "::ffff:1.2.3.4", "fe80::1%eth0", "1:2:3:4:5:6:7:", ":1:2:3:4:5:6:7", "١::"})
    void malformedTextIsRefusedWithAReason(String text) {
        NodeRecordException e = assertThrows(NodeRecordException.class, () -> IPv6.parse(text));
        assertEquals(NodeRecordException.Reason.ADDRESS, e.reason());
    }
}
