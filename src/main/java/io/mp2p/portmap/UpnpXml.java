package io.mp2p.portmap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * XML from the gateway, parsed hardened (spec/PORTMAP.md §5): a document with a DOCTYPE is refused
 * outright, so no entity (internal or external) is ever declared, expanded or fetched (XXE, "billion
 * laughs"); external DTDs and XInclude are off; the input is already bounded by {@link UpnpHttp}.
 */
final class UpnpXml {
    private static final String DISALLOW_DOCTYPE = "http://apache.org/xml/features/disallow-doctype-decl";
    private static final String EXTERNAL_GENERAL = "http://xml.org/sax/features/external-general-entities";
    private static final String EXTERNAL_PARAMETER = "http://xml.org/sax/features/external-parameter-entities";
    private static final String LOAD_EXTERNAL_DTD = "http://apache.org/xml/features/nonvalidating/load-external-dtd";

    private UpnpXml() {
    }

    /** The parsed document, or {@code MALFORMED} (a DOCTYPE included) with the parser's reason. */
    static Document parse(byte[] xml, String what) throws PortMapException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature(DISALLOW_DOCTYPE, true);
            f.setFeature(EXTERNAL_GENERAL, false);
            f.setFeature(EXTERNAL_PARAMETER, false);
            f.setFeature(LOAD_EXTERNAL_DTD, false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity " + systemId + " refused");
            });
            return b.parse(new ByteArrayInputStream(xml));
        } catch (SAXException | IOException e) {
            throw new PortMapException(PortMapException.Reason.MALFORMED, "UPnP-IGD: the gateway's " + what
                    + " is not acceptable XML (" + e.getMessage() + "); refused", e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be hardened", e);
        }
    }

    /** Every element named {@code localName} (any namespace) under {@code root}, in document order. */
    static List<Element> all(Node root, String localName) {
        NodeList l = root instanceof Document doc ? doc.getElementsByTagNameNS("*", localName)
                : ((Element) root).getElementsByTagNameNS("*", localName);
        List<Element> out = new ArrayList<>(l.getLength());
        for (int i = 0; i < l.getLength(); i++) {
            out.add((Element) l.item(i));
        }
        return out;
    }

    /** The trimmed text of the first {@code localName} child element of {@code e}, or null. */
    static String child(Element e, String localName) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && localName.equals(c.getLocalName())) {
                return c.getTextContent().trim();
            }
        }
        return null;
    }

    /** The text of the first {@code localName} element anywhere in {@code doc}, or null. */
    static String first(Document doc, String localName) {
        List<Element> l = all(doc, localName);
        return l.isEmpty() ? null : l.get(0).getTextContent().trim();
    }

    /** {@code s} with XML's five special characters escaped, for SOAP arguments. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
