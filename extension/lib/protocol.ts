/**
 * The host's message contract, re-exported so extension modules import it from one place.
 * Defined once in native-host/src/protocol; never restate its types here.
 */
export * from '../../native-host/src/protocol';
