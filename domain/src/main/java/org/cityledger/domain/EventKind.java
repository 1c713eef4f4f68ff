package org.cityledger.domain;

/** The three kinds of fact the ledger records. */
public enum EventKind {
    /** A contract was signed (重大项目集中签约). */
    SIGNING,
    /** Construction started (项目集中开工). */
    GROUNDBREAKING,
    /** Funding was granted (财政扶持资金, 揭榜挂帅). */
    FUNDING
}
