/*
 * The CFDI tree extractor: reads the libxml2 tree that lxml has already parsed (securely, repaired) and
 * writes one document's rows straight into Arrow-layout column buffers, with no Python object per value.
 *
 * Why C: in Python, every attribute of every element becomes a str and every row a dict or tuple before
 * Polars copies them again; that costs about three times the parse itself. Here a value is a memcpy.
 *
 * It is the fast path of etl/parse/cfdi/_events.py, not a second parser: it handles CFDI 3.3 and 4.0 exactly as
 * CfdiEvents does (the same columns, the same rules for which element writes what), and declines anything
 * else -- 3.2/3.0, Nomina 1.1, a second stamp, a document CfdiEvents would reject -- having kept nothing,
 * so that the Python parser (the reference) reads that document. tests/etl/parse/cfdi/test_native.py holds the
 * two to the same frames.
 *
 * Memory safety: the tree is lxml's, read only while the caller holds the document; text is libxml2's
 * NUL-terminated UTF-8; every buffer grows by checked doubling.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <libxml/tree.h>
#include <libxml/xmlversion.h>
#include <stdint.h>
#include <string.h>

/* lxml's public C header, the one lxml generates for extensions like this one: struct LxmlElement (an
 * _Element's fields) and the version lxml was built as. It needs xmlNode, from libxml2's tree.h above.
 * The module records both versions it was compiled against; etl/parse/cfdi/_native.py refuses it (and
 * parses in Python) unless the running lxml and libxml2 are those, and the struct's size is the type's. */
#include <lxml/etree.h>
#include <lxml/includes/lxml-version.h>

/* ------------------------------------------------------------------------------------------------ */
/* Tables and columns: names and order as etl/parse/cfdi/_rows.py gives them to the text frames.          */

typedef struct {
    const char *name;
    char kind; /* 'i' Int64, 's' text */
} ColumnSpec;

#define S(name) {name, 's'}
#define I(name) {name, 'i'}

/* comprobantes: doc, the 39 HEADER_KEYS columns, complementos (names joined by 0x1F), tiene_addenda */
enum {
    H_VERSION = 1, H_TIPO, H_SERIE, H_FOLIO, H_FECHA, H_FORMA_PAGO, H_METODO_PAGO, H_FORMA_DE_PAGO,
    H_METODO_DE_PAGO, H_CONDICIONES, H_MONEDA, H_TIPO_CAMBIO, H_SUB_TOTAL, H_DESCUENTO, H_TOTAL,
    H_EXPORTACION, H_LUGAR, H_NO_CERTIFICADO, H_TOTAL_TRASLADADOS, H_TOTAL_RETENIDOS,
    H_TOTAL_TRASLADOS_LOCALES, H_TOTAL_RETENCIONES_LOCALES, H_RFC_EMISOR, H_NOMBRE_EMISOR, H_REGIMEN_EMISOR,
    H_RFC_RECEPTOR, H_NOMBRE_RECEPTOR, H_USO_CFDI, H_DOMICILIO_RECEPTOR, H_REGIMEN_RECEPTOR,
    H_RESIDENCIA_FISCAL, H_NUM_REG_ID_TRIB, H_IG_PERIODICIDAD, H_IG_MESES, H_IG_ANIO, H_FECHA_TIMBRADO,
    H_VERSION_TIMBRE, H_RFC_PROV_CERTIF, H_NO_CERTIFICADO_SAT, H_COMPLEMENTOS, H_TIENE_ADDENDA, H_COLUMNS
};
static const ColumnSpec COMPROBANTES[] = {
    I("doc"), S("version"), S("tipo_de_comprobante"), S("serie"), S("folio"), S("fecha"), S("forma_pago"),
    S("metodo_pago"), S("forma_de_pago"), S("metodo_de_pago"), S("condiciones_de_pago"), S("moneda"),
    S("tipo_cambio"), S("sub_total"), S("descuento"), S("total"), S("exportacion"), S("lugar_expedicion"),
    S("no_certificado"), S("total_impuestos_trasladados"), S("total_impuestos_retenidos"),
    S("total_traslados_locales"), S("total_retenciones_locales"), S("rfc_emisor"), S("nombre_emisor"),
    S("regimen_fiscal_emisor"), S("rfc_receptor"), S("nombre_receptor"), S("uso_cfdi"),
    S("domicilio_fiscal_receptor"), S("regimen_fiscal_receptor"), S("residencia_fiscal"),
    S("num_reg_id_trib"), S("informacion_global_periodicidad"), S("informacion_global_meses"),
    S("informacion_global_anio"), S("fecha_timbrado"), S("version_timbre"), S("rfc_prov_certif"),
    S("no_certificado_sat"), S("complementos"), I("tiene_addenda"),
};
/* The Comprobante's attribute dict is the header row itself in CfdiEvents, keyed by these names (the
 * HEADER_KEYS keys, in column order), plus "version" for the version test. */
static const char *const HEADER_ATTRIBUTES[] = {
    "Version", "TipoDeComprobante", "Serie", "Folio", "Fecha", "FormaPago", "MetodoPago", "forma_de_pago",
    "metodo_de_pago", "CondicionesDePago", "Moneda", "TipoCambio", "SubTotal", "Descuento", "Total",
    "Exportacion", "LugarExpedicion", "NoCertificado", "total_impuestos_trasladados",
    "total_impuestos_retenidos", "total_traslados_locales", "total_retenciones_locales", "rfc_emisor",
    "nombre_emisor", "regimen_fiscal_emisor", "rfc_receptor", "nombre_receptor", "uso_cfdi",
    "domicilio_fiscal_receptor", "regimen_fiscal_receptor", "residencia_fiscal", "num_reg_id_trib",
    "informacion_global_periodicidad", "informacion_global_meses", "informacion_global_anio",
    "fecha_timbrado", "version_timbre", "rfc_prov_certif", "no_certificado_sat", "version",
};
#define HEADER_ATTRIBUTE_COUNT 40

enum { C_NUMEROS_PEDIMENTO = 14, C_CUENTAS_PREDIALES = 15, C_COLUMNS = 16 };
static const ColumnSpec CONCEPTOS[] = {
    I("doc"), I("numero"), S("clave_prod_serv"), S("no_identificacion"), S("cantidad"), S("clave_unidad"),
    S("unidad"), S("descripcion"), S("valor_unitario"), S("importe"), S("descuento"), S("objeto_imp"),
    S("rfc_a_cuenta_terceros"), S("nombre_a_cuenta_terceros"), S("numeros_pedimento"),
    S("cuentas_prediales"),
};
static const char *const CONCEPTO_ATTRIBUTES[] = {
    "ClaveProdServ", "NoIdentificacion", "Cantidad", "ClaveUnidad", "Unidad", "Descripcion", "ValorUnitario",
    "Importe", "Descuento", "ObjetoImp", "rfc_a_cuenta_terceros", "nombre_a_cuenta_terceros",
    "numeros_pedimento", "cuentas_prediales",
};

/* impuestos before numbering: the collector sorts and numbers the batch's tax lines together */
static const ColumnSpec IMPUESTOS[] = {
    I("doc"), I("concepto_numero"), S("nivel"), S("tipo"), S("base"), S("impuesto"), S("tipo_factor"),
    S("tasa_o_cuota"), S("importe"),
};
static const char *const TAX_ATTRIBUTES[] = {"Base", "Impuesto", "TipoFactor", "TasaOCuota", "Importe"};

static const ColumnSpec IMPUESTOS_LOCALES[] = {
    I("doc"), I("numero"), S("tipo"), S("impuesto_local"), S("tasa"), S("importe"),
};
static const char *const TRASLADO_LOCAL_ATTRIBUTES[] = {"ImpLocTrasladado", "TasadeTraslado", "Importe"};
static const char *const RETENCION_LOCAL_ATTRIBUTES[] = {"ImpLocRetenido", "TasadeRetencion", "Importe"};

static const ColumnSpec CFDI_RELACIONADOS[] = {
    I("doc"), I("numero"), I("grupo"), S("tipo_relacion"), S("uuid_relacionado"),
};

static const ColumnSpec PAGOS[] = {
    I("doc"), I("numero_pago"), S("version_pagos"), S("fecha_pago"), S("forma_de_pago_p"), S("moneda_p"),
    S("tipo_cambio_p"), S("monto"), S("num_operacion"), S("rfc_emisor_cta_ord"), S("nom_banco_ord_ext"),
    S("cta_ordenante"), S("rfc_emisor_cta_ben"), S("cta_beneficiario"), S("tipo_cad_pago"),
};
static const char *const PAGO_ATTRIBUTES[] = {
    "FechaPago", "FormaDePagoP", "MonedaP", "TipoCambioP", "Monto", "NumOperacion", "RfcEmisorCtaOrd",
    "NomBancoOrdExt", "CtaOrdenante", "RfcEmisorCtaBen", "CtaBeneficiario", "TipoCadPago",
};

static const ColumnSpec PAGOS_TOTALES[] = {
    I("doc"), S("monto_total_pagos"), S("total_retenciones_iva"), S("total_retenciones_isr"),
    S("total_retenciones_ieps"), S("total_traslados_base_iva16"), S("total_traslados_impuesto_iva16"),
    S("total_traslados_base_iva8"), S("total_traslados_impuesto_iva8"), S("total_traslados_base_iva0"),
    S("total_traslados_impuesto_iva0"), S("total_traslados_base_iva_exento"),
};
static const char *const TOTALES_ATTRIBUTES[] = {
    "MontoTotalPagos", "TotalRetencionesIVA", "TotalRetencionesISR", "TotalRetencionesIEPS",
    "TotalTrasladosBaseIVA16", "TotalTrasladosImpuestoIVA16", "TotalTrasladosBaseIVA8",
    "TotalTrasladosImpuestoIVA8", "TotalTrasladosBaseIVA0", "TotalTrasladosImpuestoIVA0",
    "TotalTrasladosBaseIVAExento",
};

static const ColumnSpec PAGOS_DOCUMENTOS[] = {
    I("doc"), I("numero_pago"), I("numero"), S("id_documento"), S("serie"), S("folio"), S("moneda_dr"),
    S("equivalencia_dr"), S("metodo_de_pago_dr"), S("num_parcialidad"), S("imp_saldo_ant"), S("imp_pagado"),
    S("imp_saldo_insoluto"), S("objeto_imp_dr"),
};
/* NULL: a column this version does not have. Pagos 1.0's TipoCambioDR means 2.0's EquivalenciaDR. */
static const char *const DOCTO_ATTRIBUTES_20[] = {
    "IdDocumento", "Serie", "Folio", "MonedaDR", "EquivalenciaDR", NULL, "NumParcialidad", "ImpSaldoAnt",
    "ImpPagado", "ImpSaldoInsoluto", "ObjetoImpDR",
};
static const char *const DOCTO_ATTRIBUTES_10[] = {
    "IdDocumento", "Serie", "Folio", "MonedaDR", "TipoCambioDR", "MetodoDePagoDR", "NumParcialidad",
    "ImpSaldoAnt", "ImpPagado", "ImpSaldoInsoluto", NULL,
};

static const ColumnSpec PAGOS_IMPUESTOS[] = {
    I("doc"), I("numero"), I("numero_pago"), I("documento_numero"), S("nivel"), S("tipo"), S("base"),
    S("impuesto"), S("tipo_factor"), S("tasa_o_cuota"), S("importe"),
};
static const char *const TAX_DR_ATTRIBUTES[] = {"BaseDR", "ImpuestoDR", "TipoFactorDR", "TasaOCuotaDR", "ImporteDR"};
static const char *const TAX_P_ATTRIBUTES[] = {"BaseP", "ImpuestoP", "TipoFactorP", "TasaOCuotaP", "ImporteP"};

enum {
    N_TOTAL_SUELDOS = 11, N_TOTAL_OTRAS_DEDUCCIONES = 14, N_REGISTRO = 16, N_RECEPTOR = 17, N_COLUMNS = 35
};
static const ColumnSpec NOMINAS[] = {
    I("doc"), I("numero"), S("version_nomina"), S("tipo_nomina"), S("fecha_pago"), S("fecha_inicial_pago"),
    S("fecha_final_pago"), S("num_dias_pagados"), S("total_percepciones"), S("total_deducciones"),
    S("total_otros_pagos"), S("total_sueldos"), S("total_gravado"), S("total_exento"),
    S("total_otras_deducciones"), S("total_impuestos_retenidos"), S("registro_patronal"), S("curp"),
    S("num_seguridad_social"), S("num_empleado"), S("departamento"), S("puesto"), S("tipo_contrato"),
    S("tipo_jornada"), S("tipo_regimen"), S("periodicidad_pago"), S("riesgo_puesto"),
    S("fecha_inicio_rel_laboral"), S("antiguedad"), S("sindicalizado"), S("banco"), S("cuenta_bancaria"),
    S("salario_base_cot_apor"), S("salario_diario_integrado"), S("clave_ent_fed"),
};
static const char *const NOMINA_ATTRIBUTES[] = {
    "Version", "TipoNomina", "FechaPago", "FechaInicialPago", "FechaFinalPago", "NumDiasPagados",
    "TotalPercepciones", "TotalDeducciones", "TotalOtrosPagos",
};
static const char *const NOMINA_RECEPTOR_ATTRIBUTES[] = {
    "Curp", "NumSeguridadSocial", "NumEmpleado", "Departamento", "Puesto", "TipoContrato", "TipoJornada",
    "TipoRegimen", "PeriodicidadPago", "RiesgoPuesto", "FechaInicioRelLaboral", "Antig\xc3\xbc" "edad",
    "Sindicalizado", "Banco", "CuentaBancaria", "SalarioBaseCotApor", "SalarioDiarioIntegrado", "ClaveEntFed",
};

enum { L_SUBSIDIO = 10, L_COLUMNS = 12 };
static const ColumnSpec NOMINA_LINEAS[] = {
    I("doc"), I("numero"), I("nomina_numero"), S("tipo_linea"), S("tipo"), S("clave"), S("concepto"),
    S("importe_gravado"), S("importe_exento"), S("importe"), S("subsidio_causado"), S("dias_incapacidad"),
};
static const char *const PERCEPCION_ATTRIBUTES[] = {
    "TipoPercepcion", "Clave", "Concepto", "ImporteGravado", "ImporteExento", NULL, NULL, NULL};
static const char *const DEDUCCION_ATTRIBUTES[] = {
    "TipoDeduccion", "Clave", "Concepto", NULL, NULL, "Importe", NULL, NULL};
static const char *const OTRO_PAGO_ATTRIBUTES[] = {
    "TipoOtroPago", "Clave", "Concepto", NULL, NULL, "Importe", NULL, NULL};
static const char *const INCAPACIDAD_ATTRIBUTES[] = {
    "TipoIncapacidad", NULL, NULL, NULL, NULL, "ImporteMonetario", NULL, "DiasIncapacidad"};

_Static_assert(sizeof COMPROBANTES / sizeof COMPROBANTES[0] == H_COLUMNS, "header columns");
_Static_assert(sizeof HEADER_ATTRIBUTES / sizeof HEADER_ATTRIBUTES[0] == HEADER_ATTRIBUTE_COUNT, "header keys");
_Static_assert(H_NO_CERTIFICADO_SAT == HEADER_ATTRIBUTE_COUNT - 1, "one key per header column");
_Static_assert(sizeof CONCEPTOS / sizeof CONCEPTOS[0] == C_COLUMNS, "concepto columns");
_Static_assert(sizeof NOMINAS / sizeof NOMINAS[0] == N_COLUMNS, "nomina columns");
_Static_assert(sizeof NOMINA_LINEAS / sizeof NOMINA_LINEAS[0] == L_COLUMNS, "nomina line columns");
_Static_assert(sizeof NOMINA_RECEPTOR_ATTRIBUTES / sizeof(char *) == N_COLUMNS - N_RECEPTOR, "receptor");

#undef S
#undef I
#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))

typedef struct {
    const char *name;
    const ColumnSpec *columns;
    int ncolumns;
} TableSpec;

enum {
    T_COMPROBANTES, T_CONCEPTOS, T_IMPUESTOS, T_IMPUESTOS_LOCALES, T_CFDI_RELACIONADOS, T_PAGOS,
    T_PAGOS_TOTALES, T_PAGOS_DOCUMENTOS, T_PAGOS_IMPUESTOS, T_NOMINAS, T_NOMINA_LINEAS, T_COUNT
};
static const TableSpec TABLES[T_COUNT] = {
    {"comprobantes", COMPROBANTES, COUNT(COMPROBANTES)},
    {"conceptos", CONCEPTOS, COUNT(CONCEPTOS)},
    {"impuestos", IMPUESTOS, COUNT(IMPUESTOS)},
    {"impuestos_locales", IMPUESTOS_LOCALES, COUNT(IMPUESTOS_LOCALES)},
    {"cfdi_relacionados", CFDI_RELACIONADOS, COUNT(CFDI_RELACIONADOS)},
    {"pagos", PAGOS, COUNT(PAGOS)},
    {"pagos_totales", PAGOS_TOTALES, COUNT(PAGOS_TOTALES)},
    {"pagos_documentos", PAGOS_DOCUMENTOS, COUNT(PAGOS_DOCUMENTOS)},
    {"pagos_impuestos", PAGOS_IMPUESTOS, COUNT(PAGOS_IMPUESTOS)},
    {"nominas", NOMINAS, COUNT(NOMINAS)},
    {"nomina_lineas", NOMINA_LINEAS, COUNT(NOMINA_LINEAS)},
};

/* ------------------------------------------------------------------------------------------------ */
/* Growable buffers                                                                                   */

typedef struct {
    char *data;
    size_t len, cap;
} Buf;

static int buf_reserve(Buf *buf, size_t more) {
    if (buf->len + more <= buf->cap) return 0;
    size_t cap = buf->cap ? buf->cap : 256;
    while (cap < buf->len + more) {
        if (cap > SIZE_MAX / 2) return -1;
        cap *= 2;
    }
    char *data = PyMem_Realloc(buf->data, cap);
    if (data == NULL) return -1;
    buf->data = data;
    buf->cap = cap;
    return 0;
}

static int buf_append(Buf *buf, const void *bytes, size_t n) {
    if (buf_reserve(buf, n) < 0) return -1;
    if (n) memcpy(buf->data + buf->len, bytes, n);
    buf->len += n;
    return 0;
}

static void buf_free(Buf *buf) {
    PyMem_Free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

/* One column of a batch in Arrow's layout: a validity bitmap, int64 offsets (text) and the values. */
typedef struct {
    Buf validity, offsets, values;
    int64_t rows, nulls;
} Column;

static int column_push(Column *column, char kind, int valid, const char *text, size_t length, int64_t number) {
    if ((column->rows & 7) == 0) {
        char zero = 0;
        if (buf_append(&column->validity, &zero, 1) < 0) return -1;
    }
    if (valid) {
        column->validity.data[column->rows >> 3] |= (char)(1 << (column->rows & 7));
    } else {
        column->nulls++;
    }
    if (kind == 'i') {
        if (buf_append(&column->values, &number, sizeof number) < 0) return -1;
    } else {
        if (column->rows == 0) {
            int64_t start = 0;
            if (buf_append(&column->offsets, &start, sizeof start) < 0) return -1;
        }
        if (valid && buf_append(&column->values, text, length) < 0) return -1;
        int64_t end = (int64_t)column->values.len;
        if (buf_append(&column->offsets, &end, sizeof end) < 0) return -1;
    }
    column->rows++;
    return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* One document's rows, held as cells until the document is known to be whole                         */

/* A cell: null, an int, text in the tree (NUL-terminated, alive while the caller holds the document) or
 * text built here (an offset into the document's arena). */
typedef struct {
    const char *text;
    int64_t number;
} Cell;
static const char INT_MARK, ARENA_MARK;
#define CELL_INT (&INT_MARK)
#define CELL_ARENA (&ARENA_MARK)

typedef struct {
    Cell *cells;
    size_t rows, cap;
} Pending;

typedef struct {
    PyObject_HEAD
    Column *columns[T_COUNT];
    Pending pending[T_COUNT];
    Buf arena;
    int64_t documents;
} Extractor;

static Cell *pending_row(Extractor *self, int table, int64_t doc, int64_t *index) {
    Pending *pending = &self->pending[table];
    int ncolumns = TABLES[table].ncolumns;
    if (pending->rows == pending->cap) {
        size_t cap = pending->cap ? pending->cap * 2 : 16;
        Cell *cells = PyMem_Realloc(pending->cells, cap * ncolumns * sizeof(Cell));
        if (cells == NULL) return NULL;
        pending->cells = cells;
        pending->cap = cap;
    }
    if (index != NULL) *index = (int64_t)pending->rows;
    Cell *row = pending->cells + pending->rows * ncolumns;
    pending->rows++;
    memset(row, 0, ncolumns * sizeof(Cell));
    row[0].text = CELL_INT;
    row[0].number = doc;
    return row;
}

static Cell *row_at(Extractor *self, int table, int64_t index) {
    return self->pending[table].cells + index * TABLES[table].ncolumns;
}

static void set_int(Cell *cell, int64_t number) {
    cell->text = CELL_INT;
    cell->number = number;
}

static void forget_pending(Extractor *self) {
    for (int t = 0; t < T_COUNT; t++) self->pending[t].rows = 0;
    self->arena.len = 0;
}

static int commit_pending(Extractor *self) {
    for (int t = 0; t < T_COUNT; t++) {
        const TableSpec *spec = &TABLES[t];
        Pending *pending = &self->pending[t];
        for (size_t r = 0; r < pending->rows; r++) {
            Cell *row = pending->cells + r * spec->ncolumns;
            for (int c = 0; c < spec->ncolumns; c++) {
                Cell *cell = &row[c];
                Column *column = &self->columns[t][c];
                int status;
                if (cell->text == NULL) {
                    status = column_push(column, spec->columns[c].kind, 0, NULL, 0, 0);
                } else if (cell->text == CELL_INT) {
                    status = column_push(column, 'i', 1, NULL, 0, cell->number);
                } else {
                    const char *text = cell->text == CELL_ARENA ? self->arena.data + cell->number : cell->text;
                    status = column_push(column, 's', 1, text, strlen(text), 0);
                }
                if (status < 0) return -1;
            }
        }
    }
    forget_pending(self);
    return 0;
}

/* Appends `value` to the list held in `cell` (values joined by 0x1F, as the collector splits them). */
static int cell_append_to_list(Extractor *self, Cell *cell, const char *value) {
    Buf *arena = &self->arena;
    size_t start = arena->len;
    if (cell->text != NULL) {
        const char *old = cell->text == CELL_ARENA ? NULL : cell->text;
        size_t old_offset = (size_t)cell->number;
        size_t old_length = old ? strlen(old) : strlen(arena->data + old_offset);
        if (buf_reserve(arena, old_length + 1) < 0) return -1;
        memcpy(arena->data + arena->len, old ? old : arena->data + old_offset, old_length);
        arena->len += old_length;
        if (buf_append(arena, "\x1f", 1) < 0) return -1;
    }
    if (buf_append(arena, value, strlen(value) + 1) < 0) return -1;
    cell->text = CELL_ARENA;
    cell->number = (int64_t)start;
    return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* Reading elements                                                                                   */

enum { NS_NONE, NS_CFD, NS_TFD, NS_PAGOS20, NS_PAGOS10, NS_NOMINA12, NS_NOMINA11, NS_IMPLOCAL, NS_OTHER };

static int namespace_of(const xmlNode *node) {
    if (node->ns == NULL || node->ns->href == NULL) return NS_NONE;
    const char *href = (const char *)node->ns->href;
    static const char SAT[] = "http://www.sat.gob.mx/";
    if (strncmp(href, SAT, sizeof SAT - 1) != 0) return NS_OTHER;
    href += sizeof SAT - 1;
    if (strcmp(href, "cfd/4") == 0 || strcmp(href, "cfd/3") == 0) return NS_CFD;
    if (strcmp(href, "TimbreFiscalDigital") == 0) return NS_TFD;
    if (strcmp(href, "Pagos20") == 0) return NS_PAGOS20;
    if (strcmp(href, "Pagos") == 0) return NS_PAGOS10;
    if (strcmp(href, "nomina12") == 0) return NS_NOMINA12;
    if (strcmp(href, "nomina") == 0) return NS_NOMINA11;
    if (strcmp(href, "implocal") == 0) return NS_IMPLOCAL;
    return NS_OTHER;
}

#define DECLINE 1 /* not an error: the Python parser reads this document */

/* The value of a no-namespace attribute as lxml gives it, or NULL with *declined set when it is not
 * plain text (entity references): lxml would join the pieces, which is rare enough to leave to it. */
static const char *attribute_value(const xmlAttr *attribute, int *declined) {
    const xmlNode *text = attribute->children;
    if (text == NULL) return "";
    if (text->next != NULL || (text->type != XML_TEXT_NODE && text->type != XML_CDATA_SECTION_NODE)) {
        *declined = 1;
        return NULL;
    }
    return text->content ? (const char *)text->content : "";
}

/* out[i] = the value of the no-namespace attribute named names[i] (NULL names match nothing), NULL when
 * the element has no such attribute. Returns DECLINE when a value is not plain text. */
static int read_attributes(const xmlNode *node, const char *const *names, int count, const char **out) {
    for (int i = 0; i < count; i++) out[i] = NULL;
    for (const xmlAttr *attribute = node->properties; attribute != NULL; attribute = attribute->next) {
        if (attribute->ns != NULL) continue; /* lxml keys these as {namespace}name: never a column */
        const char *name = (const char *)attribute->name;
        for (int i = 0; i < count; i++) {
            if (names[i] != NULL && name[0] == names[i][0] && strcmp(name, names[i]) == 0) {
                int declined = 0;
                out[i] = attribute_value(attribute, &declined);
                if (declined) return DECLINE;
                break;
            }
        }
    }
    return 0;
}

static const char *attribute(const xmlNode *node, const char *name, int *declined) {
    const char *value;
    if (read_attributes(node, &name, 1, &value) == DECLINE) *declined = 1;
    return value;
}

/* Python's `a or b` on attribute values: the first unless it is absent or empty. */
static const char *either(const char *first, const char *second) {
    return first != NULL && first[0] != '\0' ? first : second;
}

static int has_element_child(const xmlNode *node) {
    for (const xmlNode *child = node->children; child != NULL; child = child->next) {
        if (child->type == XML_ELEMENT_NODE) return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* The walk: CfdiEvents' handlers for 3.3 and 4.0, element by element                                 */

enum { TAXES_NONE, TAXES_CONCEPTO, TAXES_COMPROBANTE };
#define MAX_DEPTH 4096

typedef struct {
    Extractor *x;
    int64_t doc;
    int in_complemento, needs_raw, tiene_addenda, taxes;
    int64_t concepto;        /* pending conceptos row of the current line item, -1 before any */
    int64_t concepto_numero; /* line items so far */
    int64_t grupo, relacionados, locales;
    const char *tipo_relacion;
    const char *pagos_version;
    int64_t pago, doctos, docto, pago_taxes;
    int pagos_totales;
    int64_t nomina, nominas, nomina_lineas, otro_pago; /* nomina, otro_pago: pending rows, -1 none */
    Cell complementos;
    const char *uuid;
} Walk;

static Cell *header(Walk *w) { return row_at(w->x, T_COMPROBANTES, 0); }

/* Reads attributes into consecutive cells of a row. */
static int cells_from(Cell *cells, const xmlNode *node, const char *const *names, int count) {
    const char *values[64];
    if (read_attributes(node, names, count, values) == DECLINE) return DECLINE;
    for (int i = 0; i < count; i++) cells[i].text = values[i];
    return 0;
}

static int complement_present(Walk *w, int depth, const char *name) {
    if (w->in_complemento && depth == 3) return cell_append_to_list(w->x, &w->complementos, name);
    return 0;
}

#define NEW_ROW(table, var) \
    Cell *var = pending_row(w->x, table, w->doc, NULL); \
    if (var == NULL) return -1;
#define TRY(call) do { int status_ = (call); if (status_ != 0) return status_; } while (0)

static int walk_children(Walk *w, const xmlNode *parent, int depth);

static int on_tax(Walk *w, const xmlNode *node, const char *tipo) {
    if (w->taxes == TAXES_NONE) return DECLINE; /* out of place: CfdiEvents rejects it */
    NEW_ROW(T_IMPUESTOS, row);
    if (w->taxes == TAXES_CONCEPTO) {
        set_int(&row[1], w->concepto_numero);
        row[2].text = "concepto";
    } else {
        row[2].text = "comprobante";
    }
    row[3].text = tipo;
    return cells_from(row + 4, node, TAX_ATTRIBUTES, 5);
}

static int on_pago_tax(Walk *w, const xmlNode *node, const char *nivel, int64_t documento, const char *tipo,
                       const char *const *names) {
    NEW_ROW(T_PAGOS_IMPUESTOS, row);
    set_int(&row[1], ++w->pago_taxes);
    set_int(&row[2], w->pago);
    if (documento) set_int(&row[3], documento);
    row[4].text = nivel;
    row[5].text = tipo;
    return cells_from(row + 6, node, names, 5);
}

static int xsd_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Whether a token-like value is `expected` as the XSD reads it (leading and trailing whitespace collapsed
 * away), as etl/parse/_whitespace.py's collapse(); the value itself is collapsed later with the others. */
static int token_is(const char *value, const char *expected) {
    if (value == NULL) return 0;
    while (xsd_space(*value)) value++;
    size_t n = strlen(expected);
    if (strncmp(value, expected, n) != 0) return 0;
    for (value += n; *value; value++)
        if (!xsd_space(*value)) return 0;
    return 1;
}

static int is_v20(const char *version) { return token_is(version, "2.0"); }

static int on_nomina_line(Walk *w, const xmlNode *node, const char *tipo_linea, const char *const *names,
                          int64_t *index) {
    Cell *row = pending_row(w->x, T_NOMINA_LINEAS, w->doc, index);
    if (row == NULL) return -1;
    set_int(&row[1], ++w->nomina_lineas);
    set_int(&row[2], w->nominas);
    row[3].text = tipo_linea;
    return cells_from(row + 4, node, names, 8);
}

static int on_cfd(Walk *w, const xmlNode *node, const char *name, int depth, int *descend) {
    int declined = 0;
    if (strcmp(name, "Concepto") == 0) {
        NEW_ROW(T_CONCEPTOS, row);
        w->concepto = (int64_t)w->x->pending[T_CONCEPTOS].rows - 1;
        set_int(&row[1], ++w->concepto_numero);
        TRY(cells_from(row + 2, node, CONCEPTO_ATTRIBUTES, 14));
        /* lists as attributes: nothing real writes these, and the text frame could not hold them */
        if (row[C_NUMEROS_PEDIMENTO].text != NULL || row[C_CUENTAS_PREDIALES].text != NULL) return DECLINE;
        return 0;
    }
    if (strcmp(name, "Traslado") == 0) return on_tax(w, node, "traslado");
    if (strcmp(name, "Retencion") == 0) return on_tax(w, node, "retencion");
    if (strcmp(name, "Impuestos") == 0) {
        if (depth == 2) {
            static const char *const names[] = {"TotalImpuestosTrasladados", "TotalImpuestosRetenidos"};
            TRY(cells_from(header(w) + H_TOTAL_TRASLADADOS, node, names, 2));
            w->taxes = TAXES_COMPROBANTE;
        } else if (w->concepto < 0) {
            return DECLINE;
        } else {
            w->taxes = TAXES_CONCEPTO;
        }
        return 0;
    }
    if (strcmp(name, "Conceptos") == 0 || strcmp(name, "Traslados") == 0 || strcmp(name, "Retenciones") == 0)
        return 0;
    if (strcmp(name, "Emisor") == 0) {
        static const char *const names[] = {"Rfc", "Nombre", "RegimenFiscal"};
        return cells_from(header(w) + H_RFC_EMISOR, node, names, 3);
    }
    if (strcmp(name, "Receptor") == 0) {
        static const char *const names[] = {
            "Rfc", "Nombre", "UsoCFDI", "DomicilioFiscalReceptor", "RegimenFiscalReceptor",
            "ResidenciaFiscal", "NumRegIdTrib"};
        return cells_from(header(w) + H_RFC_RECEPTOR, node, names, 7);
    }
    if (strcmp(name, "Complemento") == 0) {
        if (depth != 2) return DECLINE;
        w->in_complemento = 1;
        return 0;
    }
    if (strcmp(name, "InformacionGlobal") == 0) {
        static const char *const names[] = {"Periodicidad", "Meses", "A\xc3\xb1o"};
        return cells_from(header(w) + H_IG_PERIODICIDAD, node, names, 3);
    }
    if (strcmp(name, "CfdiRelacionados") == 0) {
        w->grupo++;
        w->tipo_relacion = attribute(node, "TipoRelacion", &declined);
        return declined ? DECLINE : 0;
    }
    if (strcmp(name, "CfdiRelacionado") == 0) {
        NEW_ROW(T_CFDI_RELACIONADOS, row);
        set_int(&row[1], ++w->relacionados);
        set_int(&row[2], w->grupo);
        row[3].text = w->tipo_relacion;
        row[4].text = attribute(node, "UUID", &declined);
        return declined ? DECLINE : 0;
    }
    if (strcmp(name, "ACuentaTerceros") == 0) {
        static const char *const names[] = {"RfcACuentaTerceros", "NombreACuentaTerceros"};
        if (w->concepto < 0) return 0;
        return cells_from(row_at(w->x, T_CONCEPTOS, w->concepto) + 12, node, names, 2);
    }
    if (strcmp(name, "InformacionAduanera") == 0 || strcmp(name, "CuentaPredial") == 0) {
        int aduanera = name[0] == 'I';
        static const char *const aduana[] = {"NumeroPedimento", "numero"};
        static const char *const predial[] = {"Numero", "numero"};
        const char *values[2];
        if (read_attributes(node, aduanera ? aduana : predial, 2, values) == DECLINE) return DECLINE;
        const char *value = either(values[0], values[1]);
        if (w->concepto < 0 || value == NULL) return 0;
        Cell *row = row_at(w->x, T_CONCEPTOS, w->concepto);
        return cell_append_to_list(w->x, &row[aduanera ? C_NUMEROS_PEDIMENTO : C_CUENTAS_PREDIALES], value);
    }
    if (strcmp(name, "ComplementoConcepto") == 0 || strcmp(name, "Addenda") == 0) {
        if (name[0] == 'A') w->tiene_addenda = 1;
        if (has_element_child(node)) w->needs_raw = 1; /* every child is kept raw */
        *descend = 0;
        return 0;
    }
    /* Comprobante below the root, 3.2's RegimenFiscal element: CfdiEvents rejects or reshapes them */
    if (strcmp(name, "Comprobante") == 0 || strcmp(name, "RegimenFiscal") == 0) return DECLINE;
    return -2; /* not a CFDI element: unknown */
}

static int on_timbre(Walk *w, const xmlNode *node, int depth) {
    static const char *const names[] = {
        "UUID", "FechaTimbrado", "Version", "RfcProvCertif", "NoCertificadoSAT", "version", "noCertificadoSAT"};
    const char *v[7];
    if (w->uuid != NULL) return DECLINE; /* a second stamp: repaired or rejected by CfdiEvents */
    if (read_attributes(node, names, 7, v) == DECLINE || v[0] == NULL) return DECLINE;
    w->uuid = v[0];
    TRY(complement_present(w, depth, "TimbreFiscalDigital"));
    Cell *h = header(w);
    h[H_FECHA_TIMBRADO].text = v[1];
    if (v[2] != NULL) {
        h[H_VERSION_TIMBRE].text = v[2];
        h[H_RFC_PROV_CERTIF].text = v[3];
        h[H_NO_CERTIFICADO_SAT].text = v[4];
    } else {
        h[H_VERSION_TIMBRE].text = v[5];
        h[H_NO_CERTIFICADO_SAT].text = v[6];
    }
    return 0;
}

static int on_implocal(Walk *w, const xmlNode *node, const char *name, int depth) {
    if (strcmp(name, "ImpuestosLocales") == 0) {
        static const char *const names[] = {"TotaldeTraslados", "TotaldeRetenciones"};
        TRY(complement_present(w, depth, name));
        return cells_from(header(w) + H_TOTAL_TRASLADOS_LOCALES, node, names, 2);
    }
    int traslado = strcmp(name, "TrasladosLocales") == 0;
    if (!traslado && strcmp(name, "RetencionesLocales") != 0) return -2;
    NEW_ROW(T_IMPUESTOS_LOCALES, row);
    set_int(&row[1], ++w->locales);
    row[2].text = traslado ? "traslado" : "retencion";
    return cells_from(row + 3, node, traslado ? TRASLADO_LOCAL_ATTRIBUTES : RETENCION_LOCAL_ATTRIBUTES, 3);
}

static int on_pagos(Walk *w, const xmlNode *node, const char *name, int depth, int v20_namespace) {
    int declined = 0;
    if (strcmp(name, "Pagos") == 0) {
        TRY(complement_present(w, depth, "Pagos"));
        w->pagos_version = attribute(node, "Version", &declined);
        return declined ? DECLINE : 0;
    }
    if (strcmp(name, "Pago") == 0) {
        NEW_ROW(T_PAGOS, row);
        w->pago++;
        w->doctos = 0;
        w->docto = 0;
        set_int(&row[1], w->pago);
        row[2].text = w->pagos_version;
        return cells_from(row + 3, node, PAGO_ATTRIBUTES, COUNT(PAGO_ATTRIBUTES));
    }
    if (strcmp(name, "DoctoRelacionado") == 0) {
        NEW_ROW(T_PAGOS_DOCUMENTOS, row);
        w->docto = ++w->doctos;
        set_int(&row[1], w->pago);
        set_int(&row[2], w->doctos);
        const char *const *names = is_v20(w->pagos_version) ? DOCTO_ATTRIBUTES_20 : DOCTO_ATTRIBUTES_10;
        return cells_from(row + 3, node, names, 11);
    }
    const char *const *p_names = is_v20(w->pagos_version) ? TAX_P_ATTRIBUTES : TAX_ATTRIBUTES;
    if (v20_namespace) {
        if (strcmp(name, "Totales") == 0) {
            if (w->pagos_totales) return DECLINE;
            w->pagos_totales = 1;
            NEW_ROW(T_PAGOS_TOTALES, row);
            return cells_from(row + 1, node, TOTALES_ATTRIBUTES, COUNT(TOTALES_ATTRIBUTES));
        }
        if (strcmp(name, "TrasladoDR") == 0)
            return on_pago_tax(w, node, "documento", w->docto, "traslado", TAX_DR_ATTRIBUTES);
        if (strcmp(name, "RetencionDR") == 0)
            return on_pago_tax(w, node, "documento", w->docto, "retencion", TAX_DR_ATTRIBUTES);
        if (strcmp(name, "TrasladoP") == 0) return on_pago_tax(w, node, "pago", 0, "traslado", p_names);
        if (strcmp(name, "RetencionP") == 0) return on_pago_tax(w, node, "pago", 0, "retencion", p_names);
        if (strcmp(name, "ImpuestosP") == 0) {
            w->docto = 0;
            return 0;
        }
        if (strcmp(name, "ImpuestosDR") == 0 || strcmp(name, "TrasladosDR") == 0 ||
            strcmp(name, "RetencionesDR") == 0 || strcmp(name, "TrasladosP") == 0 ||
            strcmp(name, "RetencionesP") == 0)
            return 0;
        return -2;
    }
    if (strcmp(name, "Traslado") == 0) return on_pago_tax(w, node, "pago", 0, "traslado", p_names);
    if (strcmp(name, "Retencion") == 0) return on_pago_tax(w, node, "pago", 0, "retencion", p_names);
    if (strcmp(name, "Impuestos") == 0) {
        w->docto = 0;
        return 0;
    }
    if (strcmp(name, "Traslados") == 0 || strcmp(name, "Retenciones") == 0) return 0;
    return -2;
}

static int on_nomina(Walk *w, const xmlNode *node, const char *name, int depth) {
    if (strcmp(name, "Nomina") == 0) {
        TRY(complement_present(w, depth, "Nomina"));
        NEW_ROW(T_NOMINAS, row);
        w->nomina = (int64_t)w->x->pending[T_NOMINAS].rows - 1;
        set_int(&row[1], ++w->nominas);
        return cells_from(row + 2, node, NOMINA_ATTRIBUTES, COUNT(NOMINA_ATTRIBUTES));
    }
    if (strcmp(name, "Percepcion") == 0) return on_nomina_line(w, node, "percepcion", PERCEPCION_ATTRIBUTES, NULL);
    if (strcmp(name, "Deduccion") == 0) return on_nomina_line(w, node, "deduccion", DEDUCCION_ATTRIBUTES, NULL);
    if (strcmp(name, "OtroPago") == 0)
        return on_nomina_line(w, node, "otro_pago", OTRO_PAGO_ATTRIBUTES, &w->otro_pago);
    if (strcmp(name, "Incapacidad") == 0)
        return on_nomina_line(w, node, "incapacidad", INCAPACIDAD_ATTRIBUTES, NULL);
    if (strcmp(name, "SubsidioAlEmpleo") == 0) {
        int declined = 0;
        const char *value = attribute(node, "SubsidioCausado", &declined);
        if (declined) return DECLINE;
        if (w->otro_pago >= 0) row_at(w->x, T_NOMINA_LINEAS, w->otro_pago)[L_SUBSIDIO].text = value;
        return 0;
    }
    if (strcmp(name, "Percepciones") == 0 || strcmp(name, "Deducciones") == 0 || strcmp(name, "Emisor") == 0 ||
        strcmp(name, "Receptor") == 0) {
        static const char *const percepciones[] = {"TotalSueldos", "TotalGravado", "TotalExento"};
        static const char *const deducciones[] = {"TotalOtrasDeducciones", "TotalImpuestosRetenidos"};
        static const char *const emisor[] = {"RegistroPatronal"};
        if (w->nomina < 0) return 0; /* before any Nomina element: nothing to write to */
        Cell *row = row_at(w->x, T_NOMINAS, w->nomina);
        switch (name[0]) {
        case 'P': return cells_from(row + N_TOTAL_SUELDOS, node, percepciones, 3);
        case 'D': return cells_from(row + N_TOTAL_OTRAS_DEDUCCIONES, node, deducciones, 2);
        case 'E': return cells_from(row + N_REGISTRO, node, emisor, 1);
        default: return cells_from(row + N_RECEPTOR, node, NOMINA_RECEPTOR_ATTRIBUTES, 18);
        }
    }
    if (strcmp(name, "OtrosPagos") == 0 || strcmp(name, "Incapacidades") == 0) return 0;
    return -2;
}

/* One element below the root: its handler, then (unless it is kept raw or skipped) its children. */
static int on_element(Walk *w, const xmlNode *node, int depth) {
    if (depth > MAX_DEPTH) return DECLINE;
    const char *name = (const char *)node->name;
    int descend = 1;
    int status;
    int namespace = namespace_of(node);
    switch (namespace) {
    case NS_CFD: status = on_cfd(w, node, name, depth, &descend); break;
    case NS_TFD: status = strcmp(name, "TimbreFiscalDigital") == 0 ? on_timbre(w, node, depth) : -2; break;
    case NS_IMPLOCAL: status = on_implocal(w, node, name, depth); break;
    case NS_PAGOS20: status = on_pagos(w, node, name, depth, 1); break;
    case NS_PAGOS10: status = on_pagos(w, node, name, depth, 0); break;
    case NS_NOMINA12: status = on_nomina(w, node, name, depth); break;
    case NS_NOMINA11: status = strcmp(name, "Nomina") == 0 ? DECLINE : -2; break; /* 1.1 is reshaped */
    default: status = -2;
    }
    if (status == -2) { /* an element no table models: named if it is a complement, kept raw, not entered */
        TRY(complement_present(w, depth, name));
        w->needs_raw = 1;
        return 0;
    }
    if (status != 0) return status;
    if (descend) TRY(walk_children(w, node, depth + 1));
    if (depth == 2 && namespace == NS_CFD && strcmp(name, "Complemento") == 0) w->in_complemento = 0;
    return 0;
}

static int walk_children(Walk *w, const xmlNode *parent, int depth) {
    for (const xmlNode *child = parent->children; child != NULL; child = child->next) {
        if (child->type == XML_ELEMENT_NODE) TRY(on_element(w, child, depth));
    }
    return 0;
}

/* The whole document: DECLINE, -1 (a Python error is set) or 0 with the rows pending. */
static int walk_document(Walk *w, const xmlNode *root) {
    if (root->type != XML_ELEMENT_NODE || namespace_of(root) != NS_CFD ||
        strcmp((const char *)root->name, "Comprobante") != 0)
        return DECLINE;
    int64_t index;
    Cell *h = pending_row(w->x, T_COMPROBANTES, w->doc, &index);
    if (h == NULL) return -1;
    const char *values[HEADER_ATTRIBUTE_COUNT];
    if (read_attributes(root, HEADER_ATTRIBUTES, HEADER_ATTRIBUTE_COUNT, values) == DECLINE) return DECLINE;
    const char *version = either(values[0], values[HEADER_ATTRIBUTE_COUNT - 1]);
    if (!token_is(version, "4.0") && !token_is(version, "3.3")) return DECLINE;
    for (int i = 0; i < HEADER_ATTRIBUTE_COUNT - 1; i++) h[H_VERSION + i].text = values[i];
    TRY(walk_children(w, root, 2));
    if (w->uuid == NULL) return DECLINE; /* CfdiEvents derives an identity and records the repair */
    h = header(w);
    if (w->complementos.text == NULL) {
        h[H_COMPLEMENTOS].text = "";
    } else {
        h[H_COMPLEMENTOS] = w->complementos;
    }
    set_int(&h[H_TIENE_ADDENDA], w->tiene_addenda);
    return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* The Python type                                                                                    */

static PyTypeObject *lxml_element_type;

static int allocate_columns(Extractor *self) {
    for (int t = 0; t < T_COUNT; t++) {
        if (self->columns[t] == NULL) {
            self->columns[t] = PyMem_Calloc(TABLES[t].ncolumns, sizeof(Column));
            if (self->columns[t] == NULL) {
                PyErr_NoMemory();
                return -1;
            }
        }
    }
    return 0;
}

static int Extractor_init(Extractor *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, ":Extractor", keywords)) return -1;
    return allocate_columns(self);
}

static void free_columns(Extractor *self) {
    for (int t = 0; t < T_COUNT; t++) {
        if (self->columns[t] == NULL) continue;
        for (int c = 0; c < TABLES[t].ncolumns; c++) {
            Column *column = &self->columns[t][c];
            buf_free(&column->validity);
            buf_free(&column->offsets);
            buf_free(&column->values);
        }
        PyMem_Free(self->columns[t]);
        self->columns[t] = NULL;
    }
}

static void Extractor_dealloc(Extractor *self) {
    free_columns(self);
    for (int t = 0; t < T_COUNT; t++) PyMem_Free(self->pending[t].cells);
    buf_free(&self->arena);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Extractor_add(Extractor *self, PyObject *args) {
    PyObject *element;
    long long doc;
    if (!PyArg_ParseTuple(args, "OL:add", &element, &doc)) return NULL;
    if (!PyObject_TypeCheck(element, lxml_element_type)) {
        PyErr_SetString(PyExc_TypeError, "add() needs the root lxml.etree._Element of a parsed document");
        return NULL;
    }
    const xmlNode *root = ((struct LxmlElement *)element)->_c_node;
    if (root == NULL || self->columns[0] == NULL) {
        PyErr_SetString(PyExc_ValueError, "add() on an element without a node or an uninitialised Extractor");
        return NULL;
    }
    Walk w;
    memset(&w, 0, sizeof w);
    w.x = self;
    w.doc = doc;
    w.concepto = w.nomina = w.otro_pago = -1;
    int status = walk_document(&w, root);
    if (status == 0) status = commit_pending(self) < 0 ? -1 : 0;
    if (status != 0) {
        forget_pending(self);
        if (status == DECLINE) Py_RETURN_NONE;
        if (!PyErr_Occurred()) PyErr_NoMemory();
        return NULL;
    }
    self->documents++;
    return Py_BuildValue("(sO)", w.uuid, w.needs_raw ? Py_True : Py_False);
}

static PyObject *bytes_of(Buf *buf) {
    return PyBytes_FromStringAndSize(buf->data ? buf->data : "", (Py_ssize_t)buf->len);
}

/* {table: (rows, [(column, kind, null count, validity, offsets or None, values)])}, then starts afresh. */
static PyObject *Extractor_finish(Extractor *self, PyObject *Py_UNUSED(ignored)) {
    if (self->columns[0] == NULL) {
        PyErr_SetString(PyExc_ValueError, "finish() on an uninitialised Extractor");
        return NULL;
    }
    PyObject *result = PyDict_New();
    if (result == NULL) return NULL;
    for (int t = 0; t < T_COUNT; t++) {
        const TableSpec *spec = &TABLES[t];
        PyObject *columns = PyList_New(spec->ncolumns);
        if (columns == NULL) goto error;
        for (int c = 0; c < spec->ncolumns; c++) {
            Column *column = &self->columns[t][c];
            char kind = spec->columns[c].kind;
            PyObject *offsets = kind == 's' && column->rows ? bytes_of(&column->offsets) : Py_NewRef(Py_None);
            PyObject *item = Py_BuildValue("(sCLNNN)", spec->columns[c].name, kind, (long long)column->nulls,
                                           bytes_of(&column->validity), offsets, bytes_of(&column->values));
            if (item == NULL) {
                Py_DECREF(columns);
                goto error;
            }
            PyList_SET_ITEM(columns, c, item);
        }
        int64_t rows = self->columns[t][0].rows;
        PyObject *entry = Py_BuildValue("(LN)", (long long)rows, columns);
        if (entry == NULL || PyDict_SetItemString(result, spec->name, entry) < 0) {
            Py_XDECREF(entry);
            goto error;
        }
        Py_DECREF(entry);
    }
    /* the batch is handed over: free its buffers, so an idle extractor holds no memory */
    free_columns(self);
    if (allocate_columns(self) < 0) goto error;
    self->documents = 0;
    return result;
error:
    Py_DECREF(result);
    return NULL;
}

static PyMethodDef Extractor_methods[] = {
    {"add", (PyCFunction)Extractor_add, METH_VARARGS,
     "add(root, doc) -> (uuid, needs_raw) | None: the document's rows under ordinal `doc`, or None (and "
     "nothing kept) when the Python parser must read it."},
    {"finish", (PyCFunction)Extractor_finish, METH_NOARGS,
     "finish() -> the batch's columns per table in Arrow layout; the extractor starts afresh."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ExtractorType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "etl.parse.cfdi._extract.Extractor",
    .tp_basicsize = sizeof(Extractor),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Rows of CFDI 3.3/4.0 documents, read from their lxml trees into column buffers.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Extractor_init,
    .tp_dealloc = (destructor)Extractor_dealloc,
    .tp_methods = Extractor_methods,
};

static struct PyModuleDef extract_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_extract",
    .m_doc = "The compiled fast path of the CFDI parser (see etl/parse/cfdi/_native.py).",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__extract(void) {
    PyObject *etree = PyImport_ImportModule("lxml.etree");
    if (etree == NULL) return NULL;
    lxml_element_type = (PyTypeObject *)PyObject_GetAttrString(etree, "_Element");
    Py_DECREF(etree);
    if (lxml_element_type == NULL) return NULL;
    if (PyType_Ready(&ExtractorType) < 0) return NULL;
    PyObject *module = PyModule_Create(&extract_module);
    if (module == NULL) return NULL;
    if (PyModule_AddIntConstant(module, "LIBXML_VERSION", LIBXML_VERSION) < 0 ||
        PyModule_AddStringConstant(module, "LXML_VERSION", LXML_VERSION_STRING) < 0 ||
        PyModule_AddIntConstant(module, "ELEMENT_SIZE", (long)sizeof(struct LxmlElement)) < 0 ||
        PyModule_AddObjectRef(module, "Extractor", (PyObject *)&ExtractorType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
