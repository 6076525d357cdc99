package com.cmdop.update;

import com.cmdop.update.cli.CliFactory;

/** The only place that calls System.exit. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int status = CliFactory.run(AppContext.system(), args);
        System.out.flush();
        System.exit(status);
    }
}
