import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CsvTest {

    private static void assertError(String text, int line, int column) {
        Csv.FormatException e = assertThrows(Csv.FormatException.class, () -> Csv.parse(text), text);
        assertEquals(line, e.line(), "line for " + text);
        assertEquals(column, e.column(), "column for " + text);
    }

    @Test
    void simpleRecords() {
        assertEquals(List.of(List.of("name", "age"), List.of("Ada", "36")), Csv.parse("name,age\nAda,36\n"));
        assertEquals(List.of(List.of("name", "age"), List.of("Ada", "36")), Csv.parse("name,age\r\nAda,36"));
    }

    @Test
    void emptyText() {
        assertEquals(List.of(), Csv.parse(""));
    }

    @Test
    void emptyFieldsAndLines() {
        assertEquals(List.of(List.of("a", "", "b")), Csv.parse("a,,b"));
        assertEquals(List.of(List.of("", "")), Csv.parse(","));
        assertEquals(List.of(List.of("a", "")), Csv.parse("a,"));
        assertEquals(List.of(List.of("")), Csv.parse("\n"));
        assertEquals(List.of(List.of("a"), List.of("")), Csv.parse("a\n\n"));
        assertEquals(List.of(List.of("a"), List.of(""), List.of("b")), Csv.parse("a\r\n\r\nb"));
    }

    @Test
    void fieldsAreNotTrimmedAndRecordsMayDifferInWidth() {
        assertEquals(List.of(List.of(" a ", "\tb"), List.of("c"), List.of("d", "e", "f")),
                Csv.parse(" a ,\tb\nc\nd,e,f\n"));
    }

    @Test
    void loneCarriageReturnIsAnOrdinaryCharacter() {
        assertEquals(List.of(List.of("a\rb", "c\r")), Csv.parse("a\rb,c\r"));
        assertEquals(List.of(List.of("x\r"), List.of("y")), Csv.parse("x\r\r\ny"));
    }

    @Test
    void quotedFields() {
        assertEquals(List.of(List.of("a,b", "say \"hi\"")), Csv.parse("\"a,b\",\"say \"\"hi\"\"\""));
        assertEquals(List.of(List.of("", "x")), Csv.parse("\"\",x"));
        assertEquals(List.of(List.of("\"")), Csv.parse("\"\"\"\""));
        assertEquals(List.of(List.of("line1\nline2", "z"), List.of("next")),
                Csv.parse("\"line1\nline2\",z\nnext"));
        assertEquals(List.of(List.of("keep\r\nthis")), Csv.parse("\"keep\r\nthis\"\r\n"));
        assertEquals(List.of(List.of("ü,日本", "😀")), Csv.parse("\"ü,日本\",😀"));
    }

    @Test
    void customDelimiter() {
        assertEquals(List.of(List.of("x", "y,z"), List.of("1", "a;b")), Csv.parse("x;y,z\n1;\"a;b\"", ';'));
        assertEquals(List.of(List.of("a", "b", "")), Csv.parse("a\tb\t", '\t'));
    }

    @Test
    void invalidDelimitersAreRejected() {
        for (char d : new char[] {'"', '\r', '\n'}) {
            assertThrows(IllegalArgumentException.class, () -> Csv.parse("a", d));
            assertThrows(IllegalArgumentException.class, () -> Csv.write(List.of(List.of("a")), d));
        }
        assertThrows(IllegalArgumentException.class, () -> Csv.parse(null));
        assertThrows(IllegalArgumentException.class, () -> Csv.write(null));
    }

    @Test
    void quoteInsideUnquotedField() {
        assertError("ab\"c", 1, 3);
        assertError("a,b\nc,d\"e", 2, 4);
        assertError("x, \"quoted\"", 1, 4);
    }

    @Test
    void garbageAfterClosingQuote() {
        assertError("\"abc\"x,y", 1, 6);
        assertError("a,\"b\" ,c", 1, 6);
        assertError("\"a\"\rb", 1, 4);
        assertError("ok\n\"multi\nline\"!", 3, 6);
    }

    @Test
    void unterminatedQuotedField() {
        assertError("\"never closed", 1, 1);
        assertError("a,b\nc,\"open\nstill open\n", 2, 3);
        assertError("\"\"\"", 1, 1);
    }

    @Test
    void writeQuotesOnlyWhenNeeded() {
        assertEquals("\"a,b\",plain\n\"say \"\"hi\"\"\"\n",
                Csv.write(List.of(List.of("a,b", "plain"), List.of("say \"hi\""))));
        assertEquals("\"x\ny\",\"cr\r\", \n",
                Csv.write(List.of(List.of("x\ny", "cr\r", " "))));
        assertEquals("a,b;c\n", Csv.write(List.of(List.of("a,b", "c")), ';'));
        assertEquals("\n,\n", Csv.write(List.of(List.of(""), List.of("", ""))));
        assertEquals("", Csv.write(List.of()));
    }

    @Test
    void writeRejectsInvalidRows() {
        assertThrows(IllegalArgumentException.class, () -> Csv.write(List.of(List.of())));
        assertThrows(IllegalArgumentException.class, () -> Csv.write(Arrays.asList(List.of("a"), null)));
        assertThrows(IllegalArgumentException.class, () -> Csv.write(List.of(Arrays.asList("a", null))));
    }

    @Test
    void writeThenParseRoundTrips() {
        Random random = new Random(20240131);
        String alphabet = "ab ,;\"\r\n\tü😀";
        for (char delimiter : new char[] {',', ';', '\t'}) {
            for (int trial = 0; trial < 300; trial++) {
                List<List<String>> rows = new ArrayList<>();
                int records = random.nextInt(5);
                for (int r = 0; r < records; r++) {
                    List<String> row = new ArrayList<>();
                    int fields = 1 + random.nextInt(4);
                    for (int f = 0; f < fields; f++) {
                        StringBuilder sb = new StringBuilder();
                        int len = random.nextInt(6);
                        for (int k = 0; k < len; k++) {
                            sb.appendCodePoint(alphabet.codePointAt(
                                    alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
                        }
                        row.add(sb.toString());
                    }
                    rows.add(row);
                }
                String text = Csv.write(rows, delimiter);
                assertEquals(rows, Csv.parse(text, delimiter), () -> "round trip of " + text);
            }
        }
    }
}
