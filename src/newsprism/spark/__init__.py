"""newsprism as an Apache Spark job: a corpus of WARC or JSONL files analysed on many cores.

Shaped as Common Crawl's ``cc-pyspark``: a list (or manifest) of input files, ``mapPartitions``
over their records that builds the heavy objects (the outlet directory, the spaCy pipeline)
once per partition, accumulators counting records read, stored and skipped, and Parquet written
by partition. Every step is a function of :mod:`newsprism.pipeline`; the job only spreads them::

    inputs --read_stream, extract_records-->  extracted  (one task per file, or per shard of a
                                                           file: records n % shards == shard)
    extracted --same text: first one kept--->  canonical + later arrivals (publications)
    canonical --band_keys shuffle, best_copy->  copy_of    (exact: same digest; near: MinHash
                                                           LSH bands shared with earlier texts)
    canonical --analyze_records------------->  the export tables + records, per month and input
    records (all inputs, in input order) --cluster_stories on the driver--> stories

Output (``--out DIR``): one folder per table, ``TABLE/month=YYYY-MM/input=ID/part-*.parquet``
with the columns of :data:`newsprism.store.tables.TABLES` (``month=none`` for articles without
a date); ``skipped`` (where, reason, code); ``records`` and ``arrivals`` (the whole records that
``newsprism load`` stores); ``stories`` and ``story_articles`` over every input in the folder;
``_inputs.json`` (the inputs in the order the corpus is read). Re-running an input replaces its
partitions.

``pyspark`` comes with the ``spark`` extra (``pip install 'newsprism[spark]'``) and needs a Java
runtime (17); only ``newsprism spark`` imports it. ``newsprism load`` reads the output with
pyarrow alone (:mod:`newsprism.spark.load`).

The job is :func:`newsprism.spark.job.run_job`, the loader
:func:`newsprism.spark.load.load_output`; this package imports neither until asked.
"""
