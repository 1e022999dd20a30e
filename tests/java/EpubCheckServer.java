// One JVM that runs EPUBCheck on each EPUB the test session asks about (tests/epubcheckjvm.py).
//
// Starting a JVM and loading EPUBCheck's schemas cost about 9 CPU-seconds, far more than checking
// one of the suite's small books, so the suite keeps this process open for the whole run (one per
// pytest-xdist worker) instead of running `java -jar epubcheck.jar` once per EPUB.
//
// Protocol, one line each way: the client writes "EPUB<TAB>REPORT.json"; the server runs
// EPUBCheck's own command-line entry point on it (so the report is exactly what `epubcheck --json`
// writes) and answers "done<TAB>EXIT CODE" (and "<TAB>ERROR" when EPUBCheck threw).  End of input ends the process.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class EpubCheckServer {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            String[] pair = line.split("\t");
            System.setOut(quiet);  // EPUBCheck's console chatter would break the protocol
            System.setErr(quiet);
            String answer;
            try {
                answer = "done\t" + new com.adobe.epubcheck.tool.EpubChecker().run(
                    new String[] {pair[0], "--json", pair[1], "--quiet"});
            } catch (Throwable t) {  // the client reports it; the next book still gets checked
                answer = "done\t-1\t" + t.toString().replaceAll("\\s+", " ");
            }
            System.setOut(out);
            out.println(answer);
        }
    }
}
