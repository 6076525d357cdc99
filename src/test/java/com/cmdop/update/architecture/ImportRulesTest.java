package com.cmdop.update.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The import rules of docs/architecture.md: the model imports nothing of ours, the planner only the
 * model, nothing imports the CLI (it is the one adapter layer), and the packages form no cycle. A change
 * that breaks a rule fails here, naming the class and the import.
 */
class ImportRulesTest {
    private static final String BASE = "com.cmdop.update";
    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(BASE);
    }

    @Test
    void modelImportsNothingOfOurs() {
        noClasses().that().resideInAPackage(BASE + ".model..")
                .should().dependOnClassesThat().resideOutsideOfPackages(BASE + ".model..", "java..")
                .check(classes);
    }

    @Test
    void plannerDependsOnTheModelOnly() {
        classes().that().resideInAPackage(BASE + ".plan..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(BASE + ".plan..", BASE + ".model..", "java..")
                .check(classes);
    }

    @Test
    void nothingDependsOnTheCli() {
        noClasses().that().resideOutsideOfPackage(BASE + ".cli..")
                .should().dependOnClassesThat().resideInAPackage(BASE + ".cli..")
                .check(classes);
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching(BASE + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void everyClassLivesInAFeaturePackage() {
        noClasses().should().resideInAPackage(BASE).check(classes);
    }
}
