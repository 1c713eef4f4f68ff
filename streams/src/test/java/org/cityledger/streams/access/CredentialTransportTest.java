package org.cityledger.streams.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialTransportTest {

    @Test
    void shouldRefuseATokenOverPlainHttpFromAnotherMachine() {
        assertThat(CredentialTransport.refusal(false, true, false)).contains(CredentialTransport.PLAIN_HTTP_REFUSAL);
    }

    @Test
    void shouldTakeATokenOverPlainHttpFromLoopback() {
        assertThat(CredentialTransport.refusal(false, true, true)).isEmpty();
    }

    @Test
    void shouldTakeATokenOverTlsFromAnywhere() {
        assertThat(CredentialTransport.refusal(true, true, false)).isEmpty();
    }

    @Test
    void shouldLetARequestWithoutCredentialsThroughOverPlainHttp() {
        assertThat(CredentialTransport.refusal(false, false, false)).isEmpty();
    }

    @Test
    void shouldTellLoopbackAddresses() {
        assertThat(CredentialTransport.isLoopback("127.0.0.1")).isTrue();
        assertThat(CredentialTransport.isLoopback("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(CredentialTransport.isLoopback("10.1.2.3")).isFalse();
        assertThat(CredentialTransport.isLoopback("fe80::1")).isFalse();
    }

    @Test
    void shouldNotLookUpANameAsAnAddress() {
        assertThat(CredentialTransport.isLoopback("localhost")).isFalse();
        assertThat(CredentialTransport.isLoopback(null)).isFalse();
    }
}
