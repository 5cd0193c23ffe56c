package example;

/** Turns exactly `percent` % of responses into 5xx, spread evenly (request n fails when n*p/100 steps up). */
public final class Faults {
    private int percent;
    private long served;

    public Faults(int percent) {
        set(percent);
    }

    public synchronized void set(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be 0..100");
        }
        this.percent = percent;
    }

    public synchronized boolean nextFails() {
        served++;
        return served * percent / 100 > (served - 1) * percent / 100;
    }
}
