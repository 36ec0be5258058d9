package io.mp2p.provider;

import java.security.Provider;
import java.security.Security;
import java.util.Arrays;

/**
 * Run in a child JVM by {@link ProviderLookupTest}: prints where the JCA finds the mp2p provider in that JVM's
 * configuration, one {@code key=value} per line.
 */
public final class ProviderProbe {
    private ProviderProbe() {
    }

    public static void main(String[] args) throws Exception {
        Provider[] installed = Security.getProviders();
        int position = Arrays.asList(installed).indexOf(Security.getProvider(Mp2pProvider.NAME)) + 1;
        System.out.println("installedPosition=" + position);
        SecureChannelContext ctx = SecureChannelContext.getInstance("mp2p");
        System.out.println("provider=" + ctx.getProvider().getName());
        System.out.println("algorithm=" + ctx.getAlgorithm());
        System.out.println("sameAsInstalled=" + (ctx.getProvider() == Security.getProvider(Mp2pProvider.NAME)));
    }
}
