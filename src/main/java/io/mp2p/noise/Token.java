package io.mp2p.noise;

/** The tokens of Noise message patterns (§7). */
public enum Token {
    E, S, EE, ES, SE, SS, PSK
}
