"""Retenciones e información de pagos (1.0 and 2.0): withholding documents and their withheld-tax lines.

1.0's spellings are normalised into 2.0's shape: RFCEmisor / RFCRecep / Nacionalidad / Ejerc /
montoTotOperacion / montoRet fill the same columns as RfcE / RfcR / NacionalidadR / Ejercicio /
MontoTotOperacion / MontoRet, and tax codes 01/02/03 become 001/002/003.
"""

from __future__ import annotations

from schemas._contract import Column, Table
from schemas._kinds import BOOL, INT, MONEY, TEXT, TIMESTAMP, UUID
from schemas._stamp import STAMP_AND_SOURCE_COLUMNS

__all__ = ["RETENCIONES", "RETENCIONES_IMPUESTOS", "RETENCIONES_TABLES"]

_UUID = Column("uuid", UUID, "the document's stamp UUID (TimbreFiscalDigital), lower case", nullable=False)

RETENCIONES = Table(
    name="retenciones",
    meaning="one row per Retenciones document: who withheld from whom, for which period, and the totals",
    columns=(
        _UUID,
        Column("version", TEXT, "Retenciones version: 2.0 or 1.0", nullable=False),
        Column("folio_int", TEXT, "the issuer's internal folio (FolioInt)"),
        Column("fecha_exp", TIMESTAMP, "when it was issued, wall-clock time as written (FechaExp)"),
        Column("fecha_exp_zona", TEXT, "UTC offset 1.0 documents write after FechaExp (e.g. -06:00), if any"),
        Column("cve_retenc", TEXT, "withholding key (CveRetenc): 14 dividends, 26 digital platforms, …"),
        Column("desc_retenc", TEXT, "description when CveRetenc is 25 (other)"),
        Column("lugar_exp_retenc", TEXT, "postal code where it was issued (2.0)"),
        Column("no_certificado", TEXT, "issuer's certificate number (NoCertificado; 1.0 NumCert)"),
        Column("rfc_emisor", TEXT, "RFC of the withholding agent (RfcE; 1.0 RFCEmisor)"),
        Column("nombre_emisor", TEXT, "name of the withholding agent (NomDenRazSocE)"),
        Column("curp_emisor", TEXT, "CURP of the withholding agent, if a person"),
        Column("regimen_fiscal_emisor", TEXT, "tax regime of the withholding agent (2.0)"),
        Column("nacionalidad_receptor", TEXT, "'Nacional' or 'Extranjero' (NacionalidadR; 1.0 Nacionalidad)"),
        Column("rfc_receptor", TEXT, "RFC of a national receiver (RfcR; 1.0 RFCRecep)"),
        Column("nombre_receptor", TEXT, "name of the receiver (NomDenRazSocR)"),
        Column("curp_receptor", TEXT, "CURP of a national receiver, if a person"),
        Column("domicilio_fiscal_receptor", TEXT, "postal code of a national receiver (2.0)"),
        Column("num_reg_id_trib_receptor", TEXT, "foreign tax id of a foreign receiver (NumRegIdTribR)"),
        Column("mes_ini", INT, "first month of the period (1-12)"),
        Column("mes_fin", INT, "last month of the period (1-12)"),
        Column("ejercicio", INT, "fiscal year of the period (Ejercicio; 1.0 Ejerc)"),
        Column("monto_tot_operacion", MONEY, "total amount of the operation (MontoTotOperacion)"),
        Column("monto_tot_grav", MONEY, "taxed part of it (MontoTotGrav)"),
        Column("monto_tot_exent", MONEY, "exempt part of it (MontoTotExent)"),
        Column("monto_tot_ret", MONEY, "total withheld (MontoTotRet)"),
        Column("utilidad_bimestral", MONEY, "bimonthly profit (2.0, UtilidadBimestral)"),
        Column("isr_correspondiente", MONEY, "ISR that corresponds (2.0, ISRCorrespondiente)"),
        Column("tipo_relacion", TEXT, "relation to an earlier document (2.0 CfdiRetenRelacionados)"),
        Column("uuid_relacionado", UUID, "the related document's UUID, lower case"),
        Column("fecha_timbrado", TIMESTAMP, "when the PAC stamped it, Mexico local time"),
        *STAMP_AND_SOURCE_COLUMNS,
        Column("sha256", TEXT, "sha256 of the document's bytes", nullable=False),
    ),
    key=("uuid",),
)

RETENCIONES_IMPUESTOS = Table(
    name="retenciones_impuestos",
    meaning="one row per withheld tax of a Retenciones document (Totales/ImpRetenidos)",
    columns=(
        _UUID,
        Column("numero", INT, "position in the document, from 1", nullable=False),
        Column("base_ret", MONEY, "base of the withholding (BaseRet)"),
        Column("impuesto", TEXT, "001 ISR, 002 IVA, 003 IEPS (ImpuestoRet; 1.0 Impuesto 01/02/03)"),
        Column("monto_ret", MONEY, "amount withheld (MontoRet; 1.0 montoRet)"),
        Column(
            "tipo_pago_ret",
            TEXT,
            "2.0 code: 01 definitive IVA, 02 definitive IEPS, 03 definitive ISR, 04 provisional ISR; "
            "1.0 text is translated where the tax makes it unambiguous",
        ),
        Column("pago_definitivo", BOOL, "true for a definitive payment, false for a provisional one"),
        Column("tipo_pago_ret_escrito", TEXT, "TipoPagoRet as written in the document"),
    ),
    key=("uuid", "numero"),
)

RETENCIONES_TABLES: tuple[Table, ...] = (RETENCIONES, RETENCIONES_IMPUESTOS)
