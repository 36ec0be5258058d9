package io.mp2p.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.mp2p.identity.Mp2pIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mp2p keygen [-o FILE | --pkcs12 FILE] [--force]}. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Create a new Ed25519 key (PEM PKCS#8, mode 0600) and print its public key.")
final class KeygenCommand implements Callable<Integer> {
    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = {"where to write the key (its folder must exist, except the default one)",
                    "default: $MP2P_KEY, else ~/.mp2p/identity.pem"})
    Path out;

    @Option(names = "--force", description = "replace an existing key file (its identity is lost)")
    boolean force;

    @Option(names = "--pkcs12", paramLabel = "FILE",
            description = "write a PKCS12 key store instead of a PEM file (for keytool and Java key managers); "
                    + "password from $" + StorePassword.ENV + ", else asked on the terminal")
    Path pkcs12;

    @Override
    public Integer call() throws CliException {
        if (pkcs12 != null && out != null) {
            throw new CliException("-o and --pkcs12 are alternatives: give one", ExitCodes.USAGE);
        }
        Path path = pkcs12 != null ? pkcs12 : out != null ? out : KeyOption.defaultPath();
        char[] password = pkcs12 != null ? StorePassword.forNewStore(path.toString()) : null;
        Mp2pIdentity id = Mp2pIdentity.generate();
        try {
            PrivateDirectory.create(path.toAbsolutePath().getParent());
            if (password != null) {
                id.savePkcs12(path, password, force);
            } else {
                id.save(path, force);
            }
        } catch (FileAlreadyExistsException e) {
            throw new CliException(path + " already exists; use --force to replace it (its identity is lost)");
        } catch (IOException e) {
            throw new CliException("cannot write " + path + ": " + e.getMessage());
        } finally {
            id.destroy();
            StorePassword.wipe(password);
        }
        System.out.println(id.publicKey().toHex());
        System.err.println("mp2p: wrote " + path);
        return ExitCodes.OK;
    }
}
