package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** The help text of every command keeps each path, URL and address whole on one line. */
class HelpTextTest {
    /** Paths, URLs, addresses and ranges: the words a line break must never cut. */
    private static boolean mustStayWhole(String word) {
        return word.contains("/") || word.contains("://") || word.contains("~") || word.matches(".*\\d\\.\\d.*");
    }

    @Test
    void noPathUrlOrAddressIsCutByALineBreak() {
        CommandLine root = Mp2pCommand.commandLine();
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            CommandLine cmd = e.getValue();
            String usage = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF);
            List<String> texts = new ArrayList<>(Arrays.asList(cmd.getCommandSpec().usageMessage().description()));
            for (OptionSpec o : cmd.getCommandSpec().options()) {
                texts.addAll(Arrays.asList(o.description()));
            }
            for (PositionalParamSpec p : cmd.getCommandSpec().positionalParameters()) {
                texts.addAll(Arrays.asList(p.description()));
            }
            for (String text : texts) {
                for (String word : text.split("\\s+")) {
                    String w = word.replaceAll("^[(\"']+|[),;.\"']+$", "");
                    if (mustStayWhole(w) && !w.contains("${")) {
                        assertTrue(usage.contains(w), "mp2p " + e.getKey() + " --help cuts '" + w + "':\n" + usage);
                        checked.add(w);
                    }
                }
            }
        }
        assertTrue(checked.contains("~/.mp2p/identity.pem"), "the default key path is checked: " + checked);
        assertTrue(checked.stream().anyMatch(w -> w.startsWith("mp2p://")), "the node record is checked: " + checked);
    }

    @Test
    void helpIsASubcommand() {
        CommandLine root = Mp2pCommand.commandLine();
        assertTrue(root.getSubcommands().containsKey("help"));
        assertFalse(root.getSubcommands().get("help").getCommandSpec().usageMessage().hidden());
    }
}
