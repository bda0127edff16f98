/** The JVM floor: start, print, exit (bench/run.sh). */
public final class Hello {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
