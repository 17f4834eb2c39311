package dev.ledger.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.core.rules.WireEvent;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The principals file format, its rules and its mistakes; authentication and permissions on plain objects. */
class PrincipalsFileTest {

    static final String PAYMENTS_TOKEN = "payments-secret";
    static final String FILE = """
            # who may do what
            [payments]
            token-sha256 = %s
            events = transfer, create_account
            debit-accounts = cust-*, house-?
            rate = 1000

            [settlement-service]
            cert-subject = CN=settlement, O=Example
            cert-san = DNS:Settlement.Internal
            events = *
            debit-accounts = *
            """.formatted(sha256Hex(PAYMENTS_TOKEN));

    static String sha256Hex(String token) {
        return HexFormat.of().formatHex(Principals.sha256(token));
    }

    private static List<Principal> parse(String text) {
        return PrincipalsFile.parse("test", text.lines().toList(), (name, rate) -> new RateLimiter(rate));
    }

    /** The principal's verdict on {@code event} as the server asks it: over the event's wire bytes. */
    static String permits(Principal p, MutationEvent event) {
        WireEvent wire = new WireEvent();
        assertThat(wire.read(event.toByteArray())).isNull();
        return p.permits(wire);
    }

    @Test
    void parsesPrincipalsWithCredentialsRulesAndRates() {
        List<Principal> ps = parse(FILE);
        assertThat(ps).extracting(Principal::name).containsExactly("payments", "settlement-service");
        assertThat(ps.get(0).ratePerSecond()).isEqualTo(1000);
        assertThat(ps.get(0).hasTokenHash(Principals.sha256(PAYMENTS_TOKEN))).isTrue();
        assertThat(ps.get(1).certIds()).contains("san:DNS:settlement.internal");
    }

    @Test
    void permitsNamesTheRuleThatRefusesAnEvent() {
        Principal p = parse(FILE).get(0);
        assertThat(permits(p, transfer("cust-1"))).isNull();
        assertThat(permits(p, transfer("house-7"))).isNull();
        assertThat(permits(p, transfer("house-77"))).contains("may not debit account house-77")
                .contains("debit-accounts rule allows cust-*, house-?");
        assertThat(permits(p, topUp("settlement-eu"))).contains("may not send top_up events")
                .contains("events rule allows create_account, transfer");
        // Creating an account is governed by its event type alone.
        assertThat(permits(p, MutationEvent.newBuilder().setEventId("c").setCreateAccount(
                CreateAccount.newBuilder().setAccountId("anything")).build())).isNull();
    }

    @Test
    void eachMistakeFailsTheFileNamingTheLine() {
        assertThatThrownBy(() -> parse("[a]\ntoken-sha256 = abc\nevents=*\ndebit-accounts=*"))
                .hasMessageContaining("line 2").hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> parse("[a]\ntoken-sha256 = " + sha256Hex("x") + "\nevents = refund\ndebit-accounts=*"))
                .hasMessageContaining("line 3").hasMessageContaining("unknown event type refund");
        assertThatThrownBy(() -> parse("[a]\nevents=*\ndebit-accounts=*")).hasMessageContaining("has no credential");
        assertThatThrownBy(() -> parse("[a]\ntoken-sha256 = " + sha256Hex("x") + "\ndebit-accounts=*"))
                .hasMessageContaining("has no events rule");
        assertThatThrownBy(() -> parse("[a]\ntoken-sha256 = " + sha256Hex("x") + "\nevents=*\ndebit-accounts=*\n"
                + "[b]\ntoken-sha256 = " + sha256Hex("x") + "\nevents=*\ndebit-accounts=*"))
                .hasMessageContaining("share the credential");
        assertThatThrownBy(() -> parse("[a]\ntoken-sha256 = " + sha256Hex("x") + "\nevents=*\ndebit-accounts=*\nrate=0"))
                .hasMessageContaining("rate must be");
        assertThatThrownBy(() -> parse("colour = blue")).hasMessageContaining("before the first [principal]");
        assertThatThrownBy(() -> parse("[a]\nowner = me")).hasMessageContaining("unknown key owner");
    }

    @Test
    void aWorldReadableFileIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("principals");
        Files.writeString(file, FILE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Principals.load(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("readable by every user").hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(Principals.load(file).describe()).contains("2 principals");
    }

    @Test
    void authenticatesByTokenHashOrCertificateAndRefusesTheRest(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("principals");
        Files.writeString(file, FILE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Principals principals = Principals.load(file);
        assertThat(principals.authenticate(PAYMENTS_TOKEN, null).principal().name()).isEqualTo("payments");
        assertThat(principals.authenticate("guess", null).failure()).isEqualTo("auth_token is not accepted");
        assertThat(principals.authenticate("", null).failure()).isEqualTo("auth_token is missing");
        Principals.Authentication ok = principals.authenticate(PAYMENTS_TOKEN, null);
        // Revocation: the token leaves the file, and the live authentication stops resolving.
        Files.writeString(file, FILE.replace(sha256Hex(PAYMENTS_TOKEN), sha256Hex("rotated")));
        principals.reload();
        assertThat(principals.current(ok)).isNull();
        assertThat(principals.authenticate("rotated", null).principal().name()).isEqualTo("payments");
        // A broken file is refused and the previous principals stay.
        Files.writeString(file, "[broken");
        principals.reload();
        assertThat(principals.reloadFailures()).isEqualTo(1);
        assertThat(principals.authenticate("rotated", null).principal()).isNotNull();
    }

    @Test
    void tokensAreUnrestrictedPrincipalsNamedByTheirHash() {
        Principals principals = Principals.tokens(List.of("t1"));
        Principal p = principals.authenticate("t1", null).principal();
        assertThat(p.name()).isEqualTo("token-" + sha256Hex("t1").substring(0, 8));
        assertThat(permits(p, topUp("anything"))).isNull();
        assertThat(principals.authenticate("t2", null).principal()).isNull();
        assertThat(Principals.open().authenticate("", null).principal().name()).isEqualTo("anonymous");
    }

    @Test
    void rateLimiterAllowsOneSecondOfBurstThenTheRate() {
        RateLimiter limiter = new RateLimiter(10);
        long t = System.nanoTime();
        int granted = 0;
        for (int i = 0; i < 50; i++) {
            granted += limiter.tryAcquire(t) ? 1 : 0;
        }
        assertThat(granted).isEqualTo(10);
        assertThat(limiter.tryAcquire(t + 50_000_000)).isFalse();
        assertThat(limiter.tryAcquire(t + 100_000_000)).isTrue();
        assertThat(limiter.tryAcquire(t + 100_000_000)).isFalse();
    }

    private static MutationEvent transfer(String payer) {
        return MutationEvent.newBuilder().setEventId("t").setTransfer(Transfer.newBuilder().setPayerAccountId(payer)
                .setPayeeAccountId("p").setAmountMinor(1).setCurrency("EUR")).build();
    }

    private static MutationEvent topUp(String settlement) {
        return MutationEvent.newBuilder().setEventId("u").setTopUp(TopUp.newBuilder().setAccountId("a")
                .setSettlementAccountId(settlement).setAmountMinor(1).setCurrency("EUR")).build();
    }
}
