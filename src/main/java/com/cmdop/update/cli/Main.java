package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;


/** The only place that calls System.exit. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int status = CliFactory.run(AppContext.system(), args);
        System.out.flush();
        System.exit(status);
    }
}
